/** Registered symbol: ESM and CJS copies of this package share one counter, so names never repeat. */
const COUNTER_KEY = Symbol.for('@mail/backend-file.session-counter');

const store = globalThis as typeof globalThis & { [COUNTER_KEY]?: number };

/**
 * A new file name for a session: `YYYYMMDD-HHMMSS-<pid>-<n>.log`, local time as Django's, with
 * the process id and a per-process counter so names are unique across processes and sessions.
 */
export function sessionFileName(now: Date = new Date()): string {
  const n = (store[COUNTER_KEY] = (store[COUNTER_KEY] ?? 0) + 1);
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${date}-${time}-${process.pid}-${n}.log`;
}
