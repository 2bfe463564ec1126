import { checkOptionNames, MAILER_ALIAS } from './backends/backend-context.js';
import type { BaseEmailBackend } from './backends/base-email-backend.js';
import { type BackendClass, loadBackend } from './backends/load-backend.js';
import type { BackendOptions } from './backends/types.js';
import { MailerDoesNotExist } from './errors.js';
import { didYouMean } from './settings/closest-name.js';
import { getSettings } from './settings/settings-store.js';

/** The named backends of the `mailers` setting (Django 6.1's `django.core.mail.mailers`). */
export interface Mailers {
  /**
   * A NEW backend instance for `alias`, built from its entry alone (backend, default `'smtp'`, and
   * options; settings such as `emailHost` do not apply). `overrides` (e.g. `{ failSilently }`)
   * go over the entry's options.
   * @throws MailerDoesNotExist for an alias the setting does not define.
   * @throws ConfigurationError for an option the backend does not take (naming alias and option).
   */
  get(alias: string, overrides?: BackendOptions): Promise<BaseEmailBackend>;
  /** Whether the `mailers` setting defines `alias`. Builds nothing. */
  has(alias: string): boolean;
  /** The aliases the `mailers` setting defines (empty when it is not set). Builds nothing. */
  aliases(): string[];
}

/** A backend class and the options and alias to build it with. */
export interface BackendPlan {
  Backend: BackendClass;
  options: BackendOptions;
  alias: string | null;
}

/** Resolve a mailer to its class and options without building it. */
export async function planMailer(alias: string): Promise<BackendPlan> {
  if (typeof alias !== 'string')
    throw new TypeError(`A mailer alias is a string; got ${alias === null ? 'null' : typeof alias}.`);
  const config = getSettings().mailers;
  if (config === null) {
    throw new MailerDoesNotExist(
      `Mailer "${alias}" does not exist: the "mailers" setting is not set. ` +
        `Define it, e.g. configure({ mailers: { default: { backend: 'smtp', options: { host: 'smtp.example.com' } } } }).`,
    );
  }
  if (!Object.hasOwn(config, alias)) {
    const known = Object.keys(config);
    throw new MailerDoesNotExist(
      `Mailer "${alias}" does not exist.${didYouMean(alias, known)} Defined mailers: ${known.join(', ')}.`,
    );
  }
  const entry = config[alias]!;
  return { Backend: await loadBackend(entry.backend ?? 'smtp'), options: { ...entry.options }, alias };
}

/**
 * Build a backend. Options are checked against the class's `optionNames` first (also for a
 * duck-typed class whose constructor would not check), and a mailer's alias rides along
 * under a symbol key, so the backend knows it was built for that mailer.
 */
export function buildBackend({ Backend, options, alias }: BackendPlan): BaseEmailBackend {
  checkOptionNames(Backend, options, alias);
  return new Backend(alias === null ? { ...options } : { ...options, [MAILER_ALIAS]: alias });
}

function definedOnly(options: BackendOptions): BackendOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`Backend options must be an object, got ${options === null ? 'null' : typeof options}.`);
  }
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/**
 * The backends named by the `mailers` setting.
 *
 * @example
 * ```ts
 * configure({ mailers: { default: { options: { host: 'smtp.example.com' } },
 *                        bulk: { backend: 'smtp', options: { host: 'bulk.example.com', port: 2525 } } } });
 * await using bulk = await mailers.get('bulk');
 * await bulk.sendMessages(messages);
 * ```
 */
export const mailers: Mailers = {
  async get(alias, overrides = {}) {
    const plan = await planMailer(alias);
    return buildBackend({ ...plan, options: { ...plan.options, ...definedOnly(overrides) } });
  },
  has(alias) {
    const config = getSettings().mailers;
    return config !== null && typeof alias === 'string' && Object.hasOwn(config, alias);
  },
  aliases() {
    return Object.keys(getSettings().mailers ?? {});
  },
};
