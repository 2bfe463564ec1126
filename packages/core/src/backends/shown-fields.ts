import { inspect } from 'node:util';

/**
 * Names of fields that hold secrets, at any depth: passwords, a TLS private key, its passphrase,
 * a PFX bundle, tokens (`tlsOptions.key`, `dkim.privateKey`, `auth.pass`…).
 */
const SECRET_NAME =
  /^(pass|password|passphrase|secret|token|key|privatekey|pfx|credentials?|accesstoken|refreshtoken|clientsecret)$/i;

/** Nesting shown before `[…]`; a backend's options are shallow. */
const MAX_DEPTH = 6;

/**
 * A copy of `value` fit to show: every secret field replaced by `'[redacted]'` (kept when
 * empty, so a missing key still reads as missing), Buffers by their length, functions by name.
 */
export function redacted(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? `[Function ${value.name || '(anonymous)'}]` : value;
  }
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value))
    return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redacted(item, depth + 1, seen));
  if (value instanceof RegExp || value instanceof Date || value instanceof URL) return String(value);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    const empty = field === undefined || field === null || field === '';
    out[name] = SECRET_NAME.test(name) && !empty ? '[redacted]' : redacted(field, depth + 1, seen);
  }
  return out;
}

/**
 * What `util.inspect` and `JSON.stringify` show of a backend: its own enumerable fields with
 * secrets redacted. Accessors (the SMTP password) and private fields are never read.
 */
export function shownFields(backend: object): Record<string, unknown> {
  return redacted(Object.fromEntries(Object.entries(backend))) as Record<string, unknown>;
}

/** `util.inspect` of a backend: its class name and {@link shownFields}. */
export function inspectBackend(backend: object, options: object): string {
  return `${backend.constructor.name} ${inspect(shownFields(backend), { ...options, getters: false, showHidden: false })}`;
}
