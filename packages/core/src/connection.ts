import { BaseEmailBackend } from './backends/base-email-backend.js';
import { type BackendClass, isBackendClass, loadBackend } from './backends/load-backend.js';
import type { BackendOptions } from './backends/types.js';
import { type ConnectionChoice, checkConnectionChoice } from './connection-choice.js';
import { type BackendPlan, buildBackend, planMailer } from './mailers.js';
import { getSettings } from './settings/settings-store.js';

export type { BackendClass } from './backends/load-backend.js';

/**
 * A backend instance. `backend` is null/omitted (the default: the `default` mailer when the
 * `mailers` setting is set, else `emailBackend`/`emailUrl`), an alias (`'smtp'`, `'console'`,
 * `'file'`, `'locmem'`, `'dummy'`: the `@mail/backend-*` package), a module specifier as
 * `import()` takes it (package, subpath, relative or absolute path from the current directory,
 * `file:` URL) optionally followed by `#ExportName`, or a class. `options` go to its constructor.
 *
 * @throws BackendImportError naming the specifier (and the install command for a missing package).
 * @example
 * ```ts
 * await using connection = await getConnection('smtp', { host: 'smtp.example.com', port: 587, useTls: true });
 * await connection.sendMessages([message1, message2]);
 * ```
 */
export async function getConnection(
  backend?: string | BackendClass | null,
  options: BackendOptions = {},
): Promise<BaseEmailBackend> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `getConnection() options must be an object, got ${options === null ? 'null' : typeof options}.`,
    );
  }
  const plan =
    backend === null || backend === undefined
      ? await planDefault()
      : { Backend: await loadBackend(backend), options: {}, alias: null };
  return buildBackend({ ...plan, options: { ...plan.options, ...options } });
}

/** The default backend: the `default` mailer when `mailers` is set, else the `emailBackend` setting. */
async function planDefault(): Promise<BackendPlan> {
  const settings = getSettings();
  if (settings.mailers !== null) return planMailer('default');
  return { Backend: await loadBackend(settings.emailBackend), options: {}, alias: null };
}

/**
 * The connection a send goes through: `using` → a new instance of that mailer (with
 * `failSilently` when given); else `connection` as given; else a new default backend, given
 * `failSilently` and the credentials as its `username`/`password` options (only to a backend
 * that takes them, as Django's console backend ignores them).
 *
 * @throws TypeError when `using` comes with `connection`, `authUser` or `authPassword`.
 * @example
 * ```ts
 * const connection = await connectionFor({ using: 'bulk', failSilently: true });
 * ```
 */
export async function connectionFor(choice: ConnectionChoice<BaseEmailBackend> = {}): Promise<BaseEmailBackend> {
  if (choice === null || typeof choice !== 'object') throw new TypeError('connectionFor() takes an object.');
  const { connection, using, failSilently, authUser, authPassword } = choice;
  checkConnectionChoice(choice);
  const overrides: BackendOptions = failSilently === undefined ? {} : { failSilently };

  if (using !== undefined && using !== null) {
    const plan = await planMailer(using);
    return buildBackend({ ...plan, options: { ...plan.options, ...overrides } });
  }

  if (connection !== undefined && connection !== null) {
    if (!(connection instanceof BaseEmailBackend) && !isBackendClass((connection as object).constructor)) {
      throw new TypeError('connection must be an email backend (e.g. from getConnection()).');
    }
    return connection;
  }

  const plan = await planDefault();
  const takes = (name: string) => !Array.isArray(plan.Backend.optionNames) || plan.Backend.optionNames.includes(name);
  const options: BackendOptions = { ...plan.options, ...overrides };
  if (authUser != null && takes('username')) options.username = authUser;
  if (authPassword != null && takes('password')) options.password = authPassword;
  return buildBackend({ ...plan, options });
}
