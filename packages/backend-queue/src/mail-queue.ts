import { type Job, Queue } from 'bullmq';
import type { DeliveryResult } from './deliver-job.js';
import type { MailJobData } from './job-data.js';
import { QueuedMessage } from './queued-message.js';
import { checkRedis, createRedis, type RedisConnection } from './redis-connection.js';
import { startWorker } from './worker.js';

/** Where a queue is: as `startWorker()` takes it. */
export interface QueueLocation {
  redis: RedisConnection;
  /** Default `'mail'`. */
  queue?: string;
  /** Default `'bull'`. */
  prefix?: string;
}

/** How many jobs are in each state. `waiting` includes prioritised jobs. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** A job of the queue, as {@link MailQueue.jobs} lists it. */
export interface QueuedEmail {
  /** The BullMQ job id. */
  id: string;
  /** The queue's name. */
  queue: string;
  state: 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';
  /** The message rebuilt from the job: address fields, subject, and its bytes as queued (`message().asBytes()`). */
  message: QueuedMessage;
  messageId: string | null;
  /** Envelope sender and recipients (Bcc included). */
  envelope: { from: string; to: string[] };
  /** The mailer a worker sends it through. */
  deliverWith: string;
  /** When it was queued, and the earliest time it may be sent (ms since the epoch). */
  queuedAt: number;
  sendAfter: number;
  /** How long it was to wait after being queued (ms, 0: none). */
  delay: number;
  /** BullMQ priority (0: none). */
  priority: number;
  /** Attempts made so far. */
  attemptsMade: number;
  /** Why it failed (the last attempt's error), for a failed or retrying job. */
  failedReason: string | undefined;
}

/** The queue seen from outside: counts, jobs, and what to do with failed ones. */
export interface MailQueue {
  counts(): Promise<QueueCounts>;
  /** Jobs in the given states (default waiting and delayed), oldest first, at most `limit` (default 1000). */
  jobs(states?: QueuedEmail['state'][], limit?: number): Promise<QueuedEmail[]>;
  /** Put every failed job back to be sent again (attempts start over); resolves to how many. */
  retryFailed(): Promise<number>;
  /** Delete every failed job and its message; resolves to how many. */
  dropFailed(): Promise<number>;
  /**
   * Run the queue now, in this process (for tests): delayed jobs are promoted, a worker sends
   * every job through its `deliverWith` mailer of this process's settings, and the promise
   * resolves once nothing is waiting, delayed or active, to how many completed and failed.
   */
  drain(options?: { concurrency?: number; timeout?: number }): Promise<{ completed: number; failed: number }>;
  close(): Promise<void>;
}

const STATES: Record<QueuedEmail['state'], string[]> = {
  waiting: ['wait', 'prioritized'],
  active: ['active'],
  delayed: ['delayed'],
  completed: ['completed'],
  failed: ['failed'],
};

/**
 * Open a queue to look at it and manage failed jobs (what `mail-worker counts|jobs|retry-failed|drop-failed` do).
 *
 * @example
 * ```ts
 * await using queue = await openQueue({ redis: 'redis://localhost:6379' });
 * console.log(await queue.counts()); // { waiting: 0, active: 1, delayed: 2, completed: 10, failed: 0 }
 * ```
 */
export async function openQueue(location: QueueLocation): Promise<MailQueue & AsyncDisposable> {
  const redis = createRedis(checkRedis(location?.redis, 'openQueue()'), 'producer');
  redis.on('error', () => undefined); // a command reports the failure
  const name = location.queue ?? 'mail';
  const queue = new Queue<MailJobData, DeliveryResult>(name, { connection: redis, prefix: location.prefix ?? 'bull' });
  queue.on('error', () => undefined);
  const close = async () => {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  };
  const counts = async (): Promise<QueueCounts> => {
    const c = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  };
  return {
    counts,
    async jobs(states = ['waiting', 'delayed'], limit = 1000) {
      const out: QueuedEmail[] = [];
      for (const state of states) {
        const found = await queue.getJobs(STATES[state] as never, 0, limit - 1, true);
        for (const job of found) if (job) out.push(describeJob(job, state, name));
      }
      return out.sort((a, b) => a.queuedAt - b.queuedAt).slice(0, limit);
    },
    async retryFailed() {
      const failed = await queue.getFailedCount();
      await queue.retryJobs({ state: 'failed' });
      return failed;
    },
    async dropFailed() {
      let dropped = 0;
      for (;;) {
        const ids = await queue.clean(0, 10_000, 'failed');
        dropped += ids.length;
        if (ids.length === 0) return dropped;
      }
    },
    async drain({ concurrency = 1, timeout = 30_000 } = {}) {
      const before = await counts();
      await queue.promoteJobs();
      const worker = await startWorker({ ...location, concurrency, lockDuration: 5000, stalledInterval: 5000 });
      try {
        const deadline = Date.now() + timeout;
        for (;;) {
          await queue.promoteJobs();
          const c = await counts();
          if (c.waiting + c.active + c.delayed === 0) {
            return { completed: c.completed - before.completed, failed: c.failed - before.failed };
          }
          if (Date.now() > deadline) {
            throw new Error(`drain(): the queue is not empty after ${timeout} ms: ${JSON.stringify(c)}.`);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await worker.close();
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function describeJob(job: Job<MailJobData, DeliveryResult>, state: QueuedEmail['state'], queue: string): QueuedEmail {
  const data = job.data;
  return {
    id: job.id!,
    queue,
    state,
    message: new QueuedMessage(data),
    messageId: data.messageId,
    envelope: data.envelope,
    deliverWith: data.deliverWith,
    queuedAt: data.queuedAt,
    sendAfter: job.timestamp + (job.opts.delay ?? 0),
    delay: job.opts.delay ?? 0,
    priority: job.opts.priority ?? 0,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason || undefined,
  };
}
