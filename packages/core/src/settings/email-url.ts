import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors.js';
import { type PoolOptions, type RateLimit, resolvePool, resolveRateLimit } from './pool-settings.js';

/** The settings an email URL sets. Which keys are present depends on the scheme. */
export interface EmailUrlSettings {
  emailBackend: string;
  emailHost?: string;
  emailPort?: number;
  emailHostUser?: string;
  emailHostPassword?: string;
  emailUseTls?: boolean;
  emailUseSsl?: boolean;
  emailTimeout?: number;
  emailFilePath?: string;
  /** `?retry=N`: attempts for transient failures (any scheme). */
  emailRetry?: number;
  emailPool?: boolean | PoolOptions;
  emailRateLimit?: RateLimit;
}

/**
 * Hide the credentials of a URL (`smtp://****@host`), for error messages and inspection. The
 * whole user-info part goes, up to the last `@`, so a malformed URL (`smtp:user:pass@host`, a
 * stray unencoded `@` or `/` in the password) is hidden too.
 */
export function maskUrl(url: string): string {
  if (GROUP.test(url)) return maskGroup(url);
  const start = /^[a-z][a-z0-9+.-]*:\/*/i.exec(url)?.[0].length ?? 0;
  const at = url.lastIndexOf('@');
  if (at >= start) return `${url.slice(0, start)}****${url.slice(at)}`;
  // No "@": "smtp://user:secret" (a typo'd URL) still carries a password after the colon.
  // Keep a plain port ("smtp://host:587"); otherwise hide all that follows the colon (a
  // password may hold an unencoded "/" or "?", so the rest of the URL goes too).
  const end = url.slice(start).search(/[/?#]/);
  const authority = end < 0 ? url.slice(start) : url.slice(start, start + end);
  const colon = authority.indexOf(':');
  if (colon < 0 || /^\d{0,5}$/.test(authority.slice(colon + 1))) return url;
  return `${url.slice(0, start + colon + 1)}****`;
}

const POOL_PARAMS = ['maxConnections', 'maxMessagesPerConnection', 'idleTimeout'] as const;
const SMTP_PARAMS = ['tls', 'ssl', 'timeout', 'retry', 'pool', ...POOL_PARAMS, 'rateLimit'] as const;

/** The parameters every scheme takes. */
const COMMON_PARAMS = ['retry'];

/** `failover(URL URL …)` and `roundrobin(…)`: backends over member URLs, with `?retryAfter=&retry=` after them. */
const GROUP = /^\s*(failover|roundrobin)\(([^()]*)\)(?:\?([^()]*))?\s*$/is;
const GROUP_PARAMS = ['retryAfter', 'retry'];

/** A `failover(…)` / `roundrobin(…)` email URL, split. */
export interface EmailUrlGroup {
  backend: 'failover' | 'roundrobin';
  /** The member URLs, in order. */
  members: string[];
  /** The same, each with its password masked: what errors may show. */
  shown: string[];
  /** `?retryAfter=` seconds, or null when not given. */
  retryAfter: number | null;
}

/**
 * Split `failover(smtp://a.example:587 smtp://b.example:587)?retryAfter=30` into its members
 * (each checked as an email URL); null for a URL of any other form.
 * @throws ConfigurationError naming `source` and the member at fault, passwords masked.
 */
export function parseEmailUrlGroup(url: string, source: string): EmailUrlGroup | null {
  const match = GROUP.exec(url);
  if (!match) return null;
  const backend = match[1]!.toLowerCase() as EmailUrlGroup['backend'];
  const fail = (why: string) => new ConfigurationError(`${source} (${maskGroup(url)}) ${why}`);
  const members = match[2]!.split(/\s+/).filter((m) => m !== '');
  if (members.length < 2)
    throw fail(`needs at least two member URLs, e.g. ${backend}(smtp://a.example:587 smtp://b.example:587).`);
  members.forEach((member, i) => {
    if (GROUP.test(member))
      throw fail(`member ${i + 1} is itself a ${backend}(…) group; members are plain email URLs.`);
    parseEmailUrl(member, `${source} member ${i + 1}`);
  });
  const params = new URLSearchParams(match[3] ?? '');
  for (const key of params.keys()) {
    if (!GROUP_PARAMS.includes(key))
      throw fail(`has an unknown parameter "${key}"; known parameters: ${GROUP_PARAMS.join(', ')}.`);
  }
  let retryAfter: number | null = null;
  const after = params.get('retryAfter');
  if (after !== null) {
    retryAfter = Number(after);
    if (after.trim() === '' || !Number.isFinite(retryAfter) || retryAfter < 0)
      throw fail(`has retryAfter=${JSON.stringify(after)}; expected a number of seconds, 0 or more.`);
  }
  retryParam(params.get('retry'), fail);
  return { backend, members, shown: members.map(maskUrl), retryAfter };
}

function maskGroup(url: string): string {
  return url.replace(/[^\s()]+/g, (part) => (part.includes(':') ? maskUrl(part) : part));
}

/** A backend and its constructor options, as an email URL names them. */
export interface EmailUrlBackend {
  backend: string;
  options: Record<string, unknown>;
}

/** Which backend option each setting of an email URL becomes. */
const OPTION_OF: Partial<Record<keyof EmailUrlSettings, string>> = {
  emailHost: 'host',
  emailPort: 'port',
  emailHostUser: 'username',
  emailHostPassword: 'password',
  emailUseTls: 'useTls',
  emailUseSsl: 'useSsl',
  emailTimeout: 'timeout',
  emailFilePath: 'filePath',
  emailRetry: 'retry',
  emailPool: 'pool',
  emailRateLimit: 'rateLimit',
};

/**
 * The backend an email URL names and the constructor options it gives it (`smtp://u:p@host:587`
 * is `smtp` with `{ host, port, username, password, useTls, useSsl }`): how a failover or
 * round-robin backend builds its members from `failover(URL URL)`.
 * @throws ConfigurationError as {@link parseEmailUrl}.
 */
export function parseEmailUrlBackend(url: string, source: string): EmailUrlBackend {
  const settings = parseEmailUrl(url, source);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const option = OPTION_OF[key as keyof EmailUrlSettings];
    if (option !== undefined && value !== undefined) options[option] = value;
  }
  return { backend: settings.emailBackend, options };
}

function retryParam(value: string | null, fail: (why: string) => ConfigurationError): number | undefined {
  if (value === null) return undefined;
  const attempts = Number(value);
  if (!/^\d+$/.test(value.trim()) || attempts < 1)
    throw fail(`has retry=${JSON.stringify(value)}; expected a number of attempts, 1 or more (1 = no retry).`);
  return attempts;
}

/**
 * Parse `EMAIL_URL` / `emailUrl`: `smtp://user:pass@host:587?tls=true`, `smtps://…` (implicit
 * TLS, port 465 by default), `console:`, `file:///dir`, `locmem:`, `dummy:`, and
 * `failover(URL URL …)` / `roundrobin(…)` (which set only the backend; it reads its members from
 * the URL). `?retry=N` on any of them sets `emailRetry`.
 *
 * An smtp URL sets the backend, host, port, user, password, `emailUseTls` and `emailUseSsl`
 * (each to its scheme default when the URL omits it) and `emailTimeout` when `?timeout=` is
 * given; `file:` sets the backend and `emailFilePath`; the others set only the backend.
 * User and password are percent-decoded.
 *
 * @param source what to name in an error: `emailUrl` or `EMAIL_URL`.
 * @throws ConfigurationError naming `source`, with the password masked.
 */
export function parseEmailUrl(url: string, source: string): EmailUrlSettings {
  const group = parseEmailUrlGroup(url, source);
  if (group) {
    const retry = new URLSearchParams(GROUP.exec(url)![3] ?? '').get('retry');
    return { emailBackend: group.backend, ...(retry === null ? {} : { emailRetry: Number(retry) }) };
  }
  const fail = (why: string, cause?: unknown) =>
    new ConfigurationError(
      `${source} (${maskUrl(url)}) ${why}`,
      cause === undefined ? {} : { cause: stripInput(cause) },
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw fail(
      'is not a valid URL. Expected e.g. smtp://user:password@smtp.example.com:587?tls=true, console:, file:///var/mail.',
      error,
    );
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  const params = [...parsed.searchParams.keys()];

  if (scheme === 'smtp' || scheme === 'smtps') {
    for (const key of params) {
      if (!(SMTP_PARAMS as readonly string[]).includes(key)) {
        throw fail(`has an unknown parameter "${key}"; known parameters: ${SMTP_PARAMS.join(', ')}.`);
      }
    }
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host === '') throw fail('has no host. Expected e.g. smtp://smtp.example.com:587.');
    const implicit = scheme === 'smtps';
    const result: EmailUrlSettings = {
      emailBackend: 'smtp',
      emailHost: host,
      emailPort: parsed.port === '' ? (implicit ? 465 : 25) : Number(parsed.port),
      emailHostUser: decode(parsed.username, 'user', fail),
      emailHostPassword: decode(parsed.password, 'password', fail),
      emailUseTls: flag(parsed.searchParams.get('tls'), 'tls', fail) ?? false,
      emailUseSsl: implicit || (flag(parsed.searchParams.get('ssl'), 'ssl', fail) ?? false),
    };
    const timeout = parsed.searchParams.get('timeout');
    if (timeout !== null) {
      const seconds = Number(timeout);
      if (timeout.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        throw fail(`has timeout=${JSON.stringify(timeout)}; expected a number of seconds greater than 0.`);
      }
      result.emailTimeout = seconds;
    }
    const retry = retryParam(parsed.searchParams.get('retry'), fail);
    if (retry !== undefined) result.emailRetry = retry;
    Object.assign(result, poolParams(parsed.searchParams, fail));
    return result;
  }

  // The queue backend (@mail/backend-queue) reads its own URL (Redis, queue name, deliverWith) from emailUrl.
  if (scheme === 'queue') return { emailBackend: 'queue' };

  const other = params.find((key) => !COMMON_PARAMS.includes(key));
  if (other !== undefined)
    throw fail(`takes no parameters for the ${scheme} backend but ${COMMON_PARAMS.join(', ')} (got "${other}").`);
  const retry = retryParam(parsed.searchParams.get('retry'), fail);
  const common = retry === undefined ? {} : { emailRetry: retry };
  if (scheme === 'file') {
    let dir: string;
    try {
      dir = fileURLToPath(parsed);
    } catch (error) {
      throw fail('is not a usable file URL. Expected file:///absolute/directory.', error);
    }
    return { emailBackend: 'file', emailFilePath: dir, ...common };
  }
  if (scheme === 'console' || scheme === 'locmem' || scheme === 'dummy') return { emailBackend: scheme, ...common };
  throw fail(
    `has an unknown scheme "${scheme}:"; use smtp:, smtps:, console:, file:, locmem:, dummy:, queue:, failover(…) or roundrobin(…).`,
  );
}

/**
 * `?pool=true&maxConnections=4&rateLimit=1000/1000` (rateLimit: messages/milliseconds). A limit
 * without `pool` implies one; `pool=false` with a limit is a contradiction.
 */
function poolParams(
  params: URLSearchParams,
  fail: (why: string) => ConfigurationError,
): Pick<EmailUrlSettings, 'emailPool' | 'emailRateLimit'> {
  const result: Pick<EmailUrlSettings, 'emailPool' | 'emailRateLimit'> = {};
  const pool = flag(params.get('pool'), 'pool', fail);
  const limits: PoolOptions = {};
  for (const key of POOL_PARAMS) {
    const text = params.get(key);
    if (text === null) continue;
    const value = text.trim() === 'Infinity' ? Number.POSITIVE_INFINITY : Number(text);
    if (text.trim() === '' || Number.isNaN(value)) throw fail(`has ${key}=${JSON.stringify(text)}; expected a number.`);
    limits[key] = value;
  }
  const given = Object.keys(limits).length > 0;
  if (pool === false && given) throw fail(`has pool=false with ${Object.keys(limits).join(', ')}; drop one of them.`);
  const where = (key?: string) => `the parameter ${key ?? 'pool'}`;
  if (given) result.emailPool = limits;
  else if (pool !== undefined) result.emailPool = pool;
  const rate = params.get('rateLimit');
  if (rate !== null) {
    const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(rate);
    if (!match)
      throw fail(`has rateLimit=${JSON.stringify(rate)}; expected MESSAGES/MILLISECONDS, e.g. rateLimit=1000/1000.`);
    if (pool === false) throw fail('has pool=false with rateLimit; a rate limit applies to a pool.');
    result.emailRateLimit = { messages: Number(match[1]), perMs: Number(match[2]) };
    result.emailPool ??= true;
  }
  try {
    resolvePool(result.emailPool, where);
    resolveRateLimit(result.emailRateLimit, (key) => `the parameter rateLimit${key ? ` (${key})` : ''}`);
  } catch (error) {
    throw fail(`is not usable: ${(error as Error).message}`);
  }
  return result;
}

function decode(part: string, what: string, fail: (why: string) => ConfigurationError): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // Say which part, never its value: it may be the password.
    throw fail(`has a malformed percent-encoding in its ${what}.`);
  }
}

function flag(value: string | null, name: string, fail: (why: string) => ConfigurationError): boolean | undefined {
  if (value === null) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw fail(`has ${name}=${JSON.stringify(value)}; expected true, false, 1 or 0.`);
}

/** Node's URL errors carry the input (with the password) in `input`; keep the message only. */
function stripInput(error: unknown): unknown {
  if (error instanceof Error && 'input' in error) {
    const copy = new TypeError(error.message);
    (copy as { code?: unknown }).code = (error as { code?: unknown }).code;
    return copy;
  }
  return error;
}
