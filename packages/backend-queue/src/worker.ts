import { ConfigurationError, MailError } from '@mail/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type AcceptedRecord, type DeliveryResult, deliverJob, InvalidJobError } from './deliver-job.js';
import type { MailJobData } from './job-data.js';
import { isTransientFailure, MailerPool } from './mailer-pool.js';
import { checkRedis, createRedis, type RedisConnection } from './redis-connection.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Where Redis is: a `redis://` URL or ioredis options. */
  redis: RedisConnection;
  /** The queue to take jobs from (default `'mail'`). */
  queue?: string;
  /** Jobs sent at the same time by this worker (default 4); each has its own connection to the mailer. */
  concurrency?: number;
  /** BullMQ's key prefix (default `'bull'`), as the queue backend's `prefix`. */
  prefix?: string;
  /**
   * How long a job stays locked to this worker without a renewal (ms, default 30 000). A worker
   * that dies gives its jobs back after this, plus up to `stalledInterval`.
   */
  lockDuration?: number;
  /** How often workers look for stalled jobs, those of a dead worker (ms, default 30 000). */
  stalledInterval?: number;
  /** How many times a job may stall before it fails (default 5). */
  maxStalledCount?: number;
  /** How long (s) the record of an accepted message is kept, against duplicates (default 86 400). */
  acceptedTtl?: number;
  /** Told about each job's end and about connection errors (default: nothing). */
  onEvent?: (event: WorkerEvent) => void;
}

/** What a worker reports to `onEvent`. */
export type WorkerEvent =
  | { type: 'completed'; jobId: string; messageId: string | null; duplicate: boolean }
  | { type: 'retry'; jobId: string; messageId: string | null; attempt: number; reason: string }
  | { type: 'failed'; jobId: string; messageId: string | null; reason: string }
  | { type: 'error'; error: Error };

/** A running worker. */
export interface MailWorker {
  /** Stop taking jobs, finish those in hand, close the connections. */
  close(): Promise<void>;
}

/**
 * Start a worker: it takes jobs from the queue and sends each through the mailer its job
 * names (`deliverWith`), resolved in this process's settings (`configure()` before, or
 * `EMAIL_URL` for `'default'`). Transient failures (`SendError.transient`) are retried with
 * exponential backoff; permanent ones go to the failed set with their reason at once. A job
 * whose worker dies is handed to another worker (BullMQ's stalled-job check).
 *
 * @example
 * ```ts
 * configure({ emailUrl: 'smtp://smtp.example.com:587?tls=true' });
 * const worker = await startWorker({ redis: 'redis://localhost:6379', concurrency: 8 });
 * process.on('SIGTERM', () => worker.close());
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<MailWorker> {
  if (options === null || typeof options !== 'object') throw new TypeError('startWorker() takes an options object.');
  const redisOption = checkRedis(options.redis, 'startWorker()');
  const queue = options.queue ?? 'mail';
  const prefix = options.prefix ?? 'bull';
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigurationError(`startWorker(): concurrency is a whole number 1 or more; got ${String(concurrency)}.`);
  }
  const emit = options.onEvent ?? (() => {});
  const pool = new MailerPool();
  const connection = createRedis(redisOption, 'worker');
  connection.on('error', (error) => emit({ type: 'error', error }));
  const accepted = acceptedRecord(connection, prefix, queue, options.acceptedTtl ?? 86_400);

  const processor = async (job: Job<MailJobData, DeliveryResult>): Promise<DeliveryResult> => {
    try {
      const result = await deliverJob(job.data, pool, { jobId: job.id!, accepted });
      emit({ type: 'completed', jobId: job.id!, messageId: result.messageId, duplicate: result.duplicate === true });
      return result;
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      const messageId = job.data?.messageId ?? null;
      const permanent =
        error instanceof InvalidJobError ||
        !isTransientFailure(error) ||
        job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      emit(
        permanent
          ? { type: 'failed', jobId: job.id!, messageId, reason }
          : { type: 'retry', jobId: job.id!, messageId, attempt: job.attemptsMade + 1, reason },
      );
      if (!isTransientFailure(error) || error instanceof InvalidJobError) {
        throw new UnrecoverableError(
          error instanceof MailError || error instanceof InvalidJobError ? reason : `Permanent failure: ${reason}`,
        );
      }
      throw error;
    }
  };

  const worker = new Worker<MailJobData, DeliveryResult>(queue, processor, {
    connection,
    prefix,
    concurrency,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 5,
    autorun: false,
  });
  worker.on('error', (error) => emit({ type: 'error', error }));
  void worker.run().catch((error) => emit({ type: 'error', error }));
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        await worker.close();
        await pool.close();
        connection.disconnect();
      })();
      return closing;
    },
  };
}

/** The accepted-message record in Redis: one key per accepted job, holding its Message-ID, with a TTL. */
function acceptedRecord(redis: Redis, prefix: string, queue: string, ttl: number): AcceptedRecord {
  const key = (jobId: string) => `${prefix}:${queue}:accepted:${jobId}`;
  return {
    async has(jobId, messageId) {
      return (await redis.get(key(jobId))) === (messageId ?? '');
    },
    async add(jobId, messageId) {
      await redis.set(key(jobId), messageId ?? '', 'EX', ttl);
    },
  };
}
