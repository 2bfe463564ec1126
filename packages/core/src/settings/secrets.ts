/**
 * The one home of secrets in settings: which settings are secret, the mask, the mailer options
 * shown in the clear, and how a masked view is attached to what is shown.
 * @module
 */
import { inspect } from 'node:util';
import type { SettingName } from './definitions.js';
import { maskUrl } from './email-url.js';

/** What a secret value is shown as. */
export const MASK = '********';

/** Each secret setting and how its value is shown: a URL keeps all but its password. */
const SECRETS = {
  emailHostPassword: () => MASK,
  emailUrl: (value: unknown) => (typeof value === 'string' ? maskUrl(value) : MASK),
} satisfies { [N in SettingName]?: (value: unknown) => string };

/** Settings whose values are secrets: masked whenever settings are shown. */
export const SECRET_SETTINGS: ReadonlySet<SettingName> = new Set(Object.keys(SECRETS) as SettingName[]);

/** The value of secret setting `name` as it may be shown (MASK, or a URL with its password masked). */
export function maskSecret(name: SettingName, value: unknown): string {
  return (SECRETS as Record<string, (value: unknown) => string>)[name]?.(value) ?? MASK;
}

/**
 * Mailer options whose values `util.inspect` and `JSON.stringify` show. Every other value is
 * masked there (a password may hide under any name, mistyped ones included, and `tlsOptions` may
 * hold a private key), so logging `getSettings().mailers` shows no secret.
 */
export const SHOWN_MAILER_OPTIONS: ReadonlySet<string> = new Set([
  'host',
  'port',
  'username',
  'useTls',
  'useSsl',
  'timeout',
  'sslCertfile',
  'sslKeyfile',
  'filePath',
  'failSilently',
  'pool',
  'rateLimit',
]);

/** A mailer's options as shown: the values of SHOWN_MAILER_OPTIONS, every other one masked. */
export function maskMailerOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, SHOWN_MAILER_OPTIONS.has(k) ? v : MASK]));
}

/**
 * Make `JSON.stringify` and `util.inspect` of `target` show `view()` (prefixed by `label` when
 * inspected) instead of its own values, which stay readable as given.
 */
export function showMasked<T extends object>(target: T, view: () => unknown, label = ''): T {
  Object.defineProperty(target, 'toJSON', { value: view, enumerable: false });
  Object.defineProperty(target, inspect.custom, {
    value: (_depth: number, options: object) => `${label}${inspect(view(), options)}`,
    enumerable: false,
  });
  return target;
}
