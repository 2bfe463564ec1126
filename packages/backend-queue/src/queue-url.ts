import { ConfigurationError } from '@mail/core';
import { maskUrl } from './redis-connection.js';

/** What a queue email URL sets. */
export interface QueueUrlOptions {
  redis?: string;
  queue?: string;
  deliverWith?: string;
  sync?: boolean;
}

const PARAMS = ['deliverWith', 'db', 'tls', 'sync'] as const;

/**
 * Read a queue email URL (`EMAIL_URL`): `queue://[user:password@]host[:port][/name]` with
 * parameters `deliverWith` (the mailer workers send through, default `default`), `db` (Redis
 * database number), `tls=true` (Redis over TLS, `rediss:`) and `sync=true` (no Redis: deliver
 * in-process at once, for tests). `queue:?sync=true&deliverWith=locmem` needs no host.
 *
 * @example
 * ```ts
 * parseQueueUrl('queue://localhost:6379/mail?deliverWith=smtp');
 * // { redis: 'redis://localhost:6379/0', queue: 'mail', deliverWith: 'smtp' }
 * ```
 */
export function parseQueueUrl(url: string, source = 'EMAIL_URL'): QueueUrlOptions {
  const fail = (why: string) => new ConfigurationError(`${source} (${maskUrl(url)}) ${why}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail('is not a valid URL. Expected e.g. queue://localhost:6379/mail?deliverWith=smtp.');
  }
  if (parsed.protocol !== 'queue:') throw fail(`is not a queue URL (scheme "${parsed.protocol}").`);
  for (const key of parsed.searchParams.keys()) {
    if (!(PARAMS as readonly string[]).includes(key)) {
      throw fail(`has an unknown parameter "${key}"; known parameters: ${PARAMS.join(', ')}.`);
    }
  }
  const options: QueueUrlOptions = {};
  const deliverWith = parsed.searchParams.get('deliverWith');
  if (deliverWith !== null) {
    if (deliverWith.trim() === '') throw fail('has an empty deliverWith; name a mailer, e.g. deliverWith=smtp.');
    options.deliverWith = deliverWith;
  }
  const sync = flag(parsed.searchParams.get('sync'), 'sync', fail);
  if (sync !== undefined) options.sync = sync;
  const name = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, ''));
  if (name !== '') {
    if (name.includes('/') || name.includes(':'))
      throw fail(`has the queue name "${name}"; it cannot hold "/" or ":".`);
    options.queue = name;
  }
  const host = parsed.hostname;
  if (host === '') {
    if (!options.sync) throw fail('has no host. Expected e.g. queue://localhost:6379/mail (or sync=true for tests).');
    return options;
  }
  const db = parsed.searchParams.get('db');
  if (db !== null && !/^\d{1,2}$/.test(db)) throw fail(`has db=${JSON.stringify(db)}; expected a database number.`);
  const tls = flag(parsed.searchParams.get('tls'), 'tls', fail);
  const auth =
    parsed.username || parsed.password ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
  options.redis = `${tls ? 'rediss' : 'redis'}://${auth}${parsed.host}/${db ?? '0'}`;
  return options;
}

function flag(value: string | null, name: string, fail: (why: string) => Error): boolean | undefined {
  if (value === null) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw fail(`has ${name}=${JSON.stringify(value)}; expected true, false, 1 or 0.`);
}
