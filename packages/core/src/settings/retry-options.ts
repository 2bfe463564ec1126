import { ConfigurationError } from '../errors.js';
import { didYouMean } from './closest-name.js';

/**
 * The `retry` option of every backend (and the `emailRetry` setting): how transient delivery
 * failures are retried. A number is `{ attempts }`.
 */
export interface RetryOptions {
  /** Attempts in all, the first included: 1 (the default) turns retrying off. */
  attempts?: number;
  /** Milliseconds before the first retry. Default 200. */
  minDelayMs?: number;
  /** The longest wait between two attempts, in milliseconds. Default 30 000. */
  maxDelayMs?: number;
  /** Each wait is the one before times this. Default 2. */
  factor?: number;
  /** Wait a random time between half and all of each delay, so many senders do not retry in step. Default true. */
  jitter?: boolean;
}

/** What `retry` and `emailRetry` take: the options, or a number of attempts. */
export type RetryOption = number | RetryOptions;

/** A checked retry policy, every field set. */
export type RetryPolicy = Readonly<Required<RetryOptions>>;

const DEFAULTS: RetryPolicy = { attempts: 1, minDelayMs: 200, maxDelayMs: 30_000, factor: 2, jitter: true };
const KEYS = Object.keys(DEFAULTS);

function fail(where: string, why: string): ConfigurationError {
  return new ConfigurationError(`${where} ${why}`);
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Check a `retry` value; null when it retries nothing (absent, null, or one attempt).
 * @param where what to name in an error: `retry`, `mailer "bulk": retry`, `emailRetry`…
 * @throws ConfigurationError naming `where` and the key at fault (a typo suggests the closest key).
 */
export function resolveRetry(value: unknown, where: string): RetryPolicy | null {
  if (value === undefined || value === null) return null;
  const given: Record<string, unknown> =
    typeof value === 'number' ? { attempts: value } : (value as Record<string, unknown>);
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw fail(
      where,
      `must be a number of attempts or { attempts, minDelayMs, maxDelayMs, factor, jitter }; got ${shown(value)}.`,
    );
  }
  for (const key of Object.keys(given)) {
    if (!KEYS.includes(key) && given[key] !== undefined)
      throw fail(where, `has an unknown key "${key}".${didYouMean(key, KEYS)} Known keys: ${KEYS.join(', ')}.`);
  }
  const policy = { ...DEFAULTS };
  for (const key of KEYS as (keyof RetryOptions)[])
    if (given[key] !== undefined) (policy as Record<string, unknown>)[key] = given[key];
  const { attempts, minDelayMs, maxDelayMs, factor, jitter } = policy;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw fail(where, `attempts must be an integer of at least 1 (1 = no retry); got ${shown(attempts)}.`);
  if (typeof minDelayMs !== 'number' || !Number.isFinite(minDelayMs) || minDelayMs < 0)
    throw fail(where, `minDelayMs must be a number of milliseconds, 0 or more; got ${shown(minDelayMs)}.`);
  if (typeof maxDelayMs !== 'number' || !Number.isFinite(maxDelayMs) || maxDelayMs < minDelayMs)
    throw fail(
      where,
      `maxDelayMs must be a number of milliseconds, at least minDelayMs (${minDelayMs}); got ${shown(maxDelayMs)}.`,
    );
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1)
    throw fail(where, `factor must be a number of at least 1; got ${shown(factor)}.`);
  if (typeof jitter !== 'boolean') throw fail(where, `jitter must be true or false; got ${shown(jitter)}.`);
  return attempts === 1 ? null : Object.freeze(policy);
}

/** Milliseconds to wait after the `attempt`-th attempt failed (1-based): exponential, capped, jittered. */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const delay = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** (attempt - 1));
  return policy.jitter ? delay / 2 + random() * (delay / 2) : delay;
}
