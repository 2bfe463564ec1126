import { ConfigurationError } from '@mail/core';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (`{ host, port, password, tls, … }`). */
export type RedisConnection = string | RedisOptions;

/** The default when nothing says where Redis is. */
export const DEFAULT_REDIS = 'redis://localhost:6379';

/** A URL with its user-info hidden (`redis://****@host:6379`), malformed ones too. */
export function maskUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1****@')
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*:)[^/?#@]*$/i, (m, p) => (/:\d*$/.test(m) ? m : `${p}****`));
}

/** A readable name for a connection in messages, with any password hidden. */
export function describeRedis(redis: RedisConnection): string {
  if (typeof redis === 'string') return maskUrl(redis);
  const where = redis.path ?? `${redis.host ?? 'localhost'}:${redis.port ?? 6379}`;
  return `redis ${where}${redis.db ? ` db ${redis.db}` : ''}`;
}

/** Check a `redis` option early, with an error that says what fits. */
export function checkRedis(redis: unknown, where: string): RedisConnection {
  if (typeof redis === 'string') {
    let url: URL;
    try {
      url = new URL(redis);
    } catch {
      throw new ConfigurationError(
        `${where}: redis ${JSON.stringify(maskUrl(redis))} is not a URL. Expected e.g. redis://localhost:6379 or rediss://user:password@redis.example.com:6380/0.`,
      );
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new ConfigurationError(
        `${where}: redis ${JSON.stringify(maskUrl(redis))} has the scheme "${url.protocol}"; use redis: or rediss: (TLS).`,
      );
    }
    return redis;
  }
  if (redis !== null && typeof redis === 'object' && !Array.isArray(redis)) return redis as RedisOptions;
  throw new ConfigurationError(
    `${where}: the redis option is a redis:// URL or ioredis options ({ host, port, … }); got ${redis === null ? 'null' : typeof redis}.`,
  );
}

/**
 * A new ioredis client. `role` picks the retry behaviour: a producer (the queue backend) sends
 * commands only while connected (no offline queue), so a send during an outage ends with an
 * error instead of being stored later unbeknown to the caller; a worker (BullMQ's blocking
 * reads) waits and retries for ever.
 */
export function createRedis(redis: RedisConnection, role: 'producer' | 'worker'): Redis {
  const tuning: RedisOptions =
    role === 'producer'
      ? { maxRetriesPerRequest: 2, connectTimeout: 5000, enableOfflineQueue: false }
      : { maxRetriesPerRequest: null, connectTimeout: 10_000 };
  return typeof redis === 'string' ? new Redis(redis, tuning) : new Redis({ ...redis, ...tuning });
}
