import { once } from 'node:events';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, type RedisConnection } from './redis-connection.js';

/** A shared BullMQ queue (and its Redis connection) of this process, for enqueueing. */
export interface Producer {
  readonly queue: Queue;
  /** The last connection error Redis reported, for error messages. */
  readonly lastError: Error | undefined;
  /**
   * Resolve once Redis is connected, or throw after `timeoutMs`. Commands are sent only when
   * connected (no offline queue), so a send that failed is not stored later behind the caller's back.
   */
  ready(timeoutMs: number): Promise<void>;
  release(): void;
}

interface Entry {
  queue: Queue;
  redis: Redis;
  users: number;
  idleTimer: NodeJS.Timeout | undefined;
  lastError: Error | undefined;
  forget(): void;
}

/** Idle shared connections close after this long (the process may exit before: they are unref'd). */
const IDLE_CLOSE_MS = 30_000;

const byUrl = new Map<string, Entry>();
const byOptions = new WeakMap<object, Map<string, Entry>>();
const all = new Set<Entry>();

/**
 * The process's queue for (redis, name, prefix), shared by every queue backend instance, so a
 * `sendMail()` per request does not connect to Redis each time. While no backend holds it, its
 * socket does not keep the process alive (`unref`), and it closes after {@link IDLE_CLOSE_MS}.
 */
export function acquireProducer(redis: RedisConnection, name: string, prefix: string): Producer {
  const key = `${prefix}\u0000${name}`;
  let table: Map<string, Entry>;
  if (typeof redis === 'string') table = byUrl;
  else {
    table = byOptions.get(redis) ?? new Map();
    byOptions.set(redis, table);
  }
  const tableKey = typeof redis === 'string' ? `${redis}\u0000${key}` : key;
  let entry = table.get(tableKey);
  if (entry === undefined) {
    const client = createRedis(redis, 'producer');
    const created: Entry = {
      redis: client,
      queue: new Queue(name, { connection: client, prefix }),
      users: 0,
      idleTimer: undefined,
      lastError: undefined,
      forget: () => {
        table.delete(tableKey);
        all.delete(created);
      },
    };
    all.add(created);
    const onError = (error: Error) => {
      created.lastError = error;
    };
    client.on('error', onError);
    created.queue.on('error', onError);
    // A reconnection makes a new socket: keep it unref'd while nobody holds the producer.
    client.on('connect', () => refSocket(created));
    table.set(tableKey, created);
    entry = created;
  }
  const held = entry;
  held.users++;
  if (held.idleTimer) clearTimeout(held.idleTimer);
  held.idleTimer = undefined;
  refSocket(held);
  let released = false;
  return {
    queue: held.queue,
    get lastError() {
      return held.lastError;
    },
    async ready(timeoutMs) {
      const client = held.redis;
      if (client.status === 'ready') return;
      if (client.status === 'end' || client.status === 'close') client.connect().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          once(client, 'ready'),
          new Promise((_, reject) => {
            timer = setTimeout(() => {
              const why = held.lastError ? `: ${held.lastError.message}` : '';
              reject(new Error(`Redis did not answer within ${timeoutMs / 1000} s${why}`));
            }, timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users > 0) return;
      refSocket(held);
      held.idleTimer = setTimeout(() => {
        if (held.users > 0) return;
        held.forget();
        void held.queue.close().finally(() => held.redis.disconnect());
      }, IDLE_CLOSE_MS);
      held.idleTimer.unref();
    },
  };
}

/** Ref the socket while the producer is held, unref it while idle. */
function refSocket(entry: Entry): void {
  const socket = (entry.redis as unknown as { stream?: { ref?(): void; unref?(): void } }).stream;
  if (entry.users > 0) socket?.ref?.();
  else socket?.unref?.();
}

/** Close every shared producer now (tests, and a graceful shutdown). */
export async function closeProducers(): Promise<void> {
  const entries = [...all];
  for (const entry of entries) entry.forget();
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      await entry.queue.close().catch(() => undefined);
      entry.redis.disconnect();
    }),
  );
}
