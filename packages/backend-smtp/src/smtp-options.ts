import type { ConnectionOptions } from 'node:tls';
import {
  type CommonBackendOptions,
  ConfigurationError,
  type PoolOptions,
  type RateLimit,
  type ResolvedPool,
  resolvePool,
  resolveRateLimit,
  type Settings,
} from '@mail/core';

/** Options of the SMTP backend. Each one left out (or `null`) comes from the settings. */
export type SmtpBackendOptions = CommonBackendOptions & {
  /** Swallow delivery failures and count only what was delivered. */
  failSilently?: boolean;
  /** Server host name or IP address. Default: the `emailHost` setting. */
  host?: string | null;
  /** Server port. Default: the `emailPort` setting. */
  port?: number | null;
  /** User for AUTH. AUTH happens only when both username and password are set. Default: `emailHostUser`. */
  username?: string | null;
  /** Password for AUTH. Never shown in errors or by `util.inspect`. Default: `emailHostPassword`. */
  password?: string | null;
  /** Require STARTTLS (RFC 3207): a server that does not offer it is an error. Default: `emailUseTls`. */
  useTls?: boolean | null;
  /** Implicit TLS from the first byte (port 465, RFC 8314). Default: `emailUseSsl`. */
  useSsl?: boolean | null;
  /** Seconds allowed for connecting, for the greeting and for every reply. Default: `emailTimeout`. */
  timeout?: number | null;
  /** PEM private key file of a client certificate. Default: `emailSslKeyfile`. */
  sslKeyfile?: string | null;
  /** PEM client certificate file. Default: `emailSslCertfile`. */
  sslCertfile?: string | null;
  /** Passed to Node's `tls.connect`, e.g. `{ ca }` to trust a private CA. */
  tlsOptions?: ConnectionOptions | null;
  /**
   * Share a pool of connections with every backend built for the same mailer (or the same
   * options) in this process: `true` for the defaults, or the pool's limits. Default: `emailPool`.
   */
  pool?: boolean | PoolOptions | null;
  /** With `pool`: at most `messages` start in each `perMs` ms, spread evenly. Default: `emailRateLimit`. */
  rateLimit?: RateLimit | null;
};

/** The option names the SMTP backend accepts. */
export const SMTP_OPTION_NAMES: readonly string[] = [
  'host',
  'port',
  'username',
  'password',
  'useTls',
  'useSsl',
  'timeout',
  'sslKeyfile',
  'sslCertfile',
  'tlsOptions',
  'failSilently',
  'pool',
  'rateLimit',
];

/** The options after the settings filled the gaps, checked: the backend's public fields and the password. */
export interface ResolvedSmtpOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  useTls: boolean;
  useSsl: boolean;
  timeout: number | null;
  sslKeyfile: string | null;
  sslCertfile: string | null;
  tlsOptions: ConnectionOptions;
  /** The pool's limits, or null without a pool. */
  pool: ResolvedPool | null;
  /** The pool's rate limit, or null. */
  rateLimit: RateLimit | null;
}

/**
 * Fill every option not given from the settings (Django: `host or settings.EMAIL_HOST`), then
 * check types. `settings` is the backend's `settingDefaults()` (only the built-in defaults for a
 * backend built from a `mailers` entry).
 */
export function resolveSmtpOptions(options: SmtpBackendOptions, settings: Settings): ResolvedSmtpOptions {
  const pick = <T>(value: T | null | undefined, fallback: T): T =>
    value === undefined || value === null ? fallback : value;
  const resolved: ResolvedSmtpOptions = {
    host: pick(options.host, settings.emailHost),
    port: pick(options.port, settings.emailPort),
    username: pick(options.username, settings.emailHostUser),
    password: pick(options.password, settings.emailHostPassword),
    useTls: pick(options.useTls, settings.emailUseTls),
    useSsl: pick(options.useSsl, settings.emailUseSsl),
    timeout: pick(options.timeout, settings.emailTimeout),
    sslKeyfile: pick(options.sslKeyfile, settings.emailSslKeyfile),
    sslCertfile: pick(options.sslCertfile, settings.emailSslCertfile),
    tlsOptions: pick(options.tlsOptions, {}),
    pool: null,
    rateLimit: null,
  };
  // From the setting when the option is not given, each named as it was given.
  resolved.pool =
    options.pool === undefined || options.pool === null
      ? resolvePool(settings.emailPool, (key) => `Setting "emailPool${key ? `.${key}` : ''}"`)
      : resolvePool(options.pool, (key) => `The SMTP backend option "pool${key ? `.${key}` : ''}"`);
  resolved.rateLimit =
    options.rateLimit === undefined || options.rateLimit === null
      ? resolveRateLimit(settings.emailRateLimit, (key) => `Setting "emailRateLimit${key ? `.${key}` : ''}"`)
      : resolveRateLimit(options.rateLimit, (key) => `The SMTP backend option "rateLimit${key ? `.${key}` : ''}"`);
  if (resolved.rateLimit && !resolved.pool) {
    throw new ConfigurationError(
      'The SMTP backend option "rateLimit" applies to a pool: set pool: true (or pool: { maxConnections }) as well.',
    );
  }
  expect('host', resolved.host, typeof resolved.host === 'string' && resolved.host.length > 0, 'a non-empty string');
  expect(
    'port',
    resolved.port,
    Number.isInteger(resolved.port) && resolved.port > 0 && resolved.port < 65536,
    'an integer from 1 to 65535',
  );
  expect('username', kindOf(resolved.username), typeof resolved.username === 'string', 'a string');
  // Only the kind of value is shown: it may be the password itself.
  expect('password', kindOf(resolved.password), typeof resolved.password === 'string', 'a string');
  expect('useTls', resolved.useTls, typeof resolved.useTls === 'boolean', 'a boolean');
  expect('useSsl', resolved.useSsl, typeof resolved.useSsl === 'boolean', 'a boolean');
  expect(
    'timeout',
    resolved.timeout,
    resolved.timeout === null ||
      (typeof resolved.timeout === 'number' && resolved.timeout > 0 && Number.isFinite(resolved.timeout)),
    'a positive number of seconds or null',
  );
  expect(
    'sslKeyfile',
    resolved.sslKeyfile,
    resolved.sslKeyfile === null || typeof resolved.sslKeyfile === 'string',
    'a path or null',
  );
  expect(
    'sslCertfile',
    resolved.sslCertfile,
    resolved.sslCertfile === null || typeof resolved.sslCertfile === 'string',
    'a path or null',
  );
  expect(
    'tlsOptions',
    typeof resolved.tlsOptions,
    typeof resolved.tlsOptions === 'object',
    'an object of tls.connect options',
  );
  return resolved;
}

/** A description that never shows the value itself. */
class Kind {
  constructor(readonly text: string) {}
}

function kindOf(value: unknown): Kind {
  return new Kind(value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);
}

function expect(name: string, value: unknown, ok: boolean, what: string): void {
  if (!ok) {
    const shown =
      value instanceof Kind ? value.text : typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new ConfigurationError(`The SMTP backend option "${name}" must be ${what}, got ${shown}.`);
  }
}
