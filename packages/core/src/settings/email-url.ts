import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors.js';

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
}

/**
 * Hide the credentials of a URL (`smtp://****@host`), for error messages and inspection. The
 * whole user-info part goes, up to the last `@`, so a malformed URL (`smtp:user:pass@host`, a
 * stray unencoded `@` or `/` in the password) is hidden too.
 */
export function maskUrl(url: string): string {
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

const SMTP_PARAMS = ['tls', 'ssl', 'timeout'] as const;

/**
 * Parse `EMAIL_URL` / `emailUrl`: `smtp://user:pass@host:587?tls=true`, `smtps://…` (implicit
 * TLS, port 465 by default), `console:`, `file:///dir`, `locmem:`, `dummy:`.
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
    return result;
  }

  // The queue backend (@mail/backend-queue) reads its own URL (Redis, queue name, deliverWith) from emailUrl.
  if (scheme === 'queue') return { emailBackend: 'queue' };

  if (params.length > 0) throw fail(`takes no parameters for the ${scheme} backend (got "${params[0]}").`);
  if (scheme === 'file') {
    let dir: string;
    try {
      dir = fileURLToPath(parsed);
    } catch (error) {
      throw fail('is not a usable file URL. Expected file:///absolute/directory.', error);
    }
    return { emailBackend: 'file', emailFilePath: dir };
  }
  if (scheme === 'console' || scheme === 'locmem' || scheme === 'dummy') return { emailBackend: scheme };
  throw fail(`has an unknown scheme "${scheme}:"; use smtp:, smtps:, console:, file:, locmem:, dummy: or queue:.`);
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
