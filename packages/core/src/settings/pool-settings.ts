import { ConfigurationError } from '../errors.js';
import { describeValue } from './describe-value.js';

/** The limits of an SMTP pool (`pool: { … }`, the `emailPool` setting). */
export interface PoolOptions {
  /** Connections open at once, at most. Default 5. */
  maxConnections?: number;
  /** Messages a connection carries before it is closed and replaced (`Infinity`: no cap). Default 100. */
  maxMessagesPerConnection?: number;
  /** Seconds an idle connection stays open. Default 30. */
  idleTimeout?: number;
}

/** A pool's rate limit: at most `messages` start in `perMs` milliseconds, spread evenly. */
export interface RateLimit {
  messages: number;
  perMs: number;
}

/** A pool's limits with the defaults filled in. */
export interface ResolvedPool {
  maxConnections: number;
  maxMessagesPerConnection: number;
  idleTimeout: number;
}

/** The limits of `pool: true`. */
export const POOL_DEFAULTS: Readonly<ResolvedPool> = Object.freeze({
  maxConnections: 5,
  maxMessagesPerConnection: 100,
  idleTimeout: 30,
});

const POOL_KEYS = Object.keys(POOL_DEFAULTS);
const RATE_KEYS = ['messages', 'perMs'];

/** How an error names what it checks: `where()` the whole, `where('maxConnections')` a key of it. */
export type Where = (key?: string) => string;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function check(where: Where, key: string | undefined, value: unknown, ok: boolean, what: string): void {
  if (!ok) throw new ConfigurationError(`${where(key)} must be ${what}; got ${describeValue(value)}.`);
}

function noUnknownKey(where: Where, value: Record<string, unknown>, known: string[]): void {
  const key = Object.keys(value).find((k) => !known.includes(k) && value[k] !== undefined);
  if (key !== undefined) {
    throw new ConfigurationError(`${where()} has an unknown key "${key}"; it takes ${known.join(', ')}.`);
  }
}

const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;

/**
 * Check a pool option (`pool`, `emailPool`): `false` (none), `true` (the defaults) or its limits.
 * Resolves to the limits with defaults filled in, or null without a pool.
 * @throws ConfigurationError naming the option (or its key) and what it takes.
 */
export function resolvePool(value: unknown, where: Where): ResolvedPool | null {
  if (value === false || value === null || value === undefined) return null;
  if (value === true) return { ...POOL_DEFAULTS };
  check(
    where,
    undefined,
    value,
    isPlainObject(value),
    'true, false or { maxConnections, maxMessagesPerConnection, idleTimeout }',
  );
  const given = value as Record<string, unknown>;
  noUnknownKey(where, given, POOL_KEYS);
  const pool: Record<string, unknown> = { ...POOL_DEFAULTS };
  for (const key of POOL_KEYS) if (given[key] !== undefined) pool[key] = given[key];
  check(where, 'maxConnections', pool.maxConnections, count(pool.maxConnections), 'an integer of 1 or more');
  check(
    where,
    'maxMessagesPerConnection',
    pool.maxMessagesPerConnection,
    count(pool.maxMessagesPerConnection) || pool.maxMessagesPerConnection === Number.POSITIVE_INFINITY,
    'an integer of 1 or more, or Infinity',
  );
  check(
    where,
    'idleTimeout',
    pool.idleTimeout,
    typeof pool.idleTimeout === 'number' && pool.idleTimeout >= 0 && Number.isFinite(pool.idleTimeout),
    'a number of seconds (0 or more)',
  );
  return pool as unknown as ResolvedPool;
}

/**
 * Check a rate limit (`rateLimit`, `emailRateLimit`): null or `{ messages, perMs }`.
 * @throws ConfigurationError naming the option (or its key) and what it takes.
 */
export function resolveRateLimit(value: unknown, where: Where): RateLimit | null {
  if (value === null || value === undefined) return null;
  check(where, undefined, value, isPlainObject(value), 'null or { messages, perMs }');
  const given = value as Record<string, unknown>;
  noUnknownKey(where, given, RATE_KEYS);
  const { messages, perMs } = given;
  check(where, 'messages', messages, count(messages), 'an integer of 1 or more');
  check(
    where,
    'perMs',
    perMs,
    typeof perMs === 'number' && perMs > 0 && Number.isFinite(perMs),
    'a number of milliseconds greater than 0',
  );
  return { messages: messages as number, perMs: perMs as number };
}
