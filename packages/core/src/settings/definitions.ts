import type { RetryOption } from './retry-options.js';

/**
 * A backend class as a setting holds it: constructed with its options. Settings sit below the
 * backends, so this is only the shape; the loader checks the rest (`sendMessages`, `open`,
 * `close`) and every `BackendClass` is one.
 */
export type BackendConstructor = (new (
  options?: any,
) => object) & {
  /** The constructor options the backend accepts (see BaseEmailBackend.optionNames). */
  readonly optionNames?: readonly string[];
};

/** An `admins`/`managers` entry: `'Name <addr>'` (or a bare address) or a `[name, addr]` pair. */
export type AddressEntry = string | readonly [name: string, address: string];

/** One entry of the `mailers` setting (Django 6.1's `MAILERS`). */
export interface MailerConfig {
  /** An alias (`'smtp'`, `'console'`, …), a module specifier or a class. Default `'smtp'`. */
  backend?: string | BackendConstructor;
  /** The backend's constructor options. The mailer's backend takes its options from here alone. */
  options?: Record<string, unknown>;
}

/** The resolved settings: `configure()` over the environment over the defaults. */
export interface Settings {
  /** `EMAIL_BACKEND`: an alias, a module specifier (optionally `#ExportName`) or a class. */
  readonly emailBackend: string | BackendConstructor;
  readonly emailHost: string;
  readonly emailPort: number;
  readonly emailHostUser: string;
  /** Never shown by `util.inspect` or `JSON.stringify` of the settings (masked there). */
  readonly emailHostPassword: string;
  /** STARTTLS, required. */
  readonly emailUseTls: boolean;
  /** Implicit TLS from the first byte. */
  readonly emailUseSsl: boolean;
  readonly emailSslCertfile: string | null;
  readonly emailSslKeyfile: string | null;
  /** Seconds. */
  readonly emailTimeout: number | null;
  readonly emailFilePath: string | null;
  readonly defaultFromEmail: string;
  readonly serverEmail: string;
  readonly emailSubjectPrefix: string;
  readonly defaultCharset: string;
  readonly admins: readonly AddressEntry[];
  readonly managers: readonly AddressEntry[];
  readonly emailUseLocaltime: boolean;
  /** The email URL of the layer that set one (its password masked when inspected). */
  readonly emailUrl: string | null;
  readonly mailers: Readonly<Record<string, MailerConfig>> | null;
  /**
   * Retry transient delivery failures, for every backend not built from a `mailers` entry (a
   * mailer says it in its options): a number of attempts or `{ attempts, minDelayMs, maxDelayMs,
   * factor, jitter }`; null is off. `EMAIL_RETRY=3`, or `?retry=3` on `EMAIL_URL`.
   */
  readonly emailRetry: RetryOption | null;
  /** The smtp backend's `pool` when a backend is not given one: `false` (none), `true` or its limits. */
  readonly emailPool: boolean | Readonly<import('./pool-settings.js').PoolOptions>;
  /** The smtp backend's `rateLimit` (with a pool) when a backend is not given one. */
  readonly emailRateLimit: Readonly<import('./pool-settings.js').RateLimit> | null;
}

/** What `configure()` takes: any subset of {@link Settings}; `undefined` forgets a key. */
export type SettingsInput = { -readonly [K in keyof Settings]?: Settings[K] | undefined };

export type SettingName = keyof Settings;

/** How a setting is read from the environment and checked. */
export type SettingKind =
  | 'string'
  | 'nullableString'
  | 'port'
  | 'timeout'
  | 'boolean'
  | 'backend'
  | 'url'
  | 'addresses'
  | 'mailers'
  | 'retry'
  | 'pool'
  | 'rateLimit';

export interface SettingDefinition {
  readonly env: string | null;
  readonly kind: SettingKind;
  readonly default: unknown;
}

/** Every setting, its environment variable and default (API.md "Settings"). */
export const DEFINITIONS: { readonly [K in SettingName]: SettingDefinition } = {
  emailBackend: { env: 'EMAIL_BACKEND', kind: 'backend', default: 'smtp' },
  emailHost: { env: 'EMAIL_HOST', kind: 'string', default: 'localhost' },
  emailPort: { env: 'EMAIL_PORT', kind: 'port', default: 25 },
  emailHostUser: { env: 'EMAIL_HOST_USER', kind: 'string', default: '' },
  emailHostPassword: { env: 'EMAIL_HOST_PASSWORD', kind: 'string', default: '' },
  emailUseTls: { env: 'EMAIL_USE_TLS', kind: 'boolean', default: false },
  emailUseSsl: { env: 'EMAIL_USE_SSL', kind: 'boolean', default: false },
  emailSslCertfile: { env: 'EMAIL_SSL_CERTFILE', kind: 'nullableString', default: null },
  emailSslKeyfile: { env: 'EMAIL_SSL_KEYFILE', kind: 'nullableString', default: null },
  emailTimeout: { env: 'EMAIL_TIMEOUT', kind: 'timeout', default: null },
  emailFilePath: { env: 'EMAIL_FILE_PATH', kind: 'nullableString', default: null },
  defaultFromEmail: { env: 'DEFAULT_FROM_EMAIL', kind: 'string', default: 'webmaster@localhost' },
  serverEmail: { env: 'SERVER_EMAIL', kind: 'string', default: 'root@localhost' },
  emailSubjectPrefix: { env: 'EMAIL_SUBJECT_PREFIX', kind: 'string', default: '[Mail] ' },
  defaultCharset: { env: 'DEFAULT_CHARSET', kind: 'string', default: 'utf-8' },
  admins: { env: 'ADMINS', kind: 'addresses', default: [] },
  managers: { env: 'MANAGERS', kind: 'addresses', default: [] },
  emailUseLocaltime: { env: 'EMAIL_USE_LOCALTIME', kind: 'boolean', default: false },
  emailUrl: { env: 'EMAIL_URL', kind: 'url', default: null },
  mailers: { env: null, kind: 'mailers', default: null },
  emailRetry: { env: 'EMAIL_RETRY', kind: 'retry', default: null },
  emailPool: { env: null, kind: 'pool', default: false },
  emailRateLimit: { env: null, kind: 'rateLimit', default: null },
};

export const SETTING_NAMES = Object.keys(DEFINITIONS) as SettingName[];
