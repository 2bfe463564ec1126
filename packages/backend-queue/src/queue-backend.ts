import {
  type BackendCapabilities,
  BaseEmailBackend,
  ConfigurationError,
  type DeliveryOutcome,
  type EmailMessage,
  MailError,
  type PreparedMessage,
  SendError,
} from '@mail/core';
import type { JobsOptions } from 'bullmq';
import { deliverJob } from './deliver-job.js';
import { checkLater, delayOf, laterOptionsOf } from './deliver-later.js';
import { type MailJobData, toJobData } from './job-data.js';
import { MailerPool, QUEUE_BACKEND_BRAND } from './mailer-pool.js';
import { acquireProducer, type Producer } from './producers.js';
import { parseQueueUrl, type QueueUrlOptions } from './queue-url.js';
import { checkRedis, DEFAULT_REDIS, describeRedis, type RedisConnection } from './redis-connection.js';

/** The options of the queue backend (a `mailers` entry's `options`, or `getConnection('queue', …)`). */
export interface QueueBackendOptions {
  /** Where Redis is: a `redis://` / `rediss://` URL or ioredis options. Default: `EMAIL_URL`'s, else `redis://localhost:6379`. */
  redis?: RedisConnection;
  /** The queue's name (default `'mail'`). Workers of the same name share its jobs. */
  queue?: string;
  /** The mailer the worker sends each message through, resolved in the worker's settings (default `'default'`). */
  deliverWith?: string;
  /** Wait this many ms before a message may be sent (default 0); `deliverLater()` overrides it per message. */
  delay?: number;
  /** BullMQ priority for every message (1 most urgent); `deliverLater()` overrides it per message. */
  priority?: number;
  /** Attempts per message before it goes to the failed set (default 8); only transient failures are retried. */
  attempts?: number;
  /** First retry after this many ms, doubling each time (default 5000: 5 s, 10 s, 20 s … about 10 min in all). */
  backoff?: number;
  /** The largest message a job may hold, attachments included (default 10 MiB). */
  maxMessageBytes?: number;
  /** How many completed jobs Redis keeps (default 1000; their messages are dropped with them). */
  keepCompleted?: number;
  /** Seconds to wait for Redis when it is not connected, before the send fails (default 5). */
  timeout?: number;
  /** BullMQ's key prefix in Redis (default `'bull'`). */
  prefix?: string;
  /**
   * No Redis: each message goes through the same job form and is delivered in-process at once,
   * through `deliverWith` (a test or a script without workers). Errors reach the caller.
   */
  sync?: boolean;
  failSilently?: boolean;
}

const MIB = 1024 * 1024;
const QUEUED: unique symbol = Symbol.for('@mail/backend-queue.queued') as never;

/** The job a message became when the queue backend stored it, if it went through one. */
export function queuedJobOf(message: EmailMessage): { id: string; queue: string } | undefined {
  return (message as EmailMessage & { [QUEUED]?: { id: string; queue: string } })[QUEUED];
}

/**
 * An email backend that queues messages in Redis (BullMQ) instead of sending them; workers
 * (`startWorker()`, `mail-worker`) take them and send each through the mailer named by
 * `deliverWith`. `sendMessages()` resolves to the number of messages queued, once Redis has
 * stored them; a batch is one round trip.
 *
 * @example
 * ```ts
 * configure({ mailers: {
 *   default: { backend: 'queue', options: { redis: 'redis://localhost:6379', deliverWith: 'smtp' } },
 *   smtp: { backend: 'smtp', options: { host: 'smtp.example.com', port: 587, useTls: true } },
 * } });
 * await sendMail({ subject: 'Hi', message: 'Queued', fromEmail: null, recipientList: ['ann@example.com'] }); // 1 queued
 * ```
 */
export class QueueBackend extends BaseEmailBackend {
  /** The name in send events and delivery reports. */
  static override readonly backendName: string = 'queue';
  static override readonly optionNames: readonly string[] = [
    'redis',
    'queue',
    'deliverWith',
    'delay',
    'priority',
    'attempts',
    'backoff',
    'maxMessageBytes',
    'keepCompleted',
    'prefix',
    'sync',
    'timeout',
  ];

  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: true };

  /** Where Redis is (null in sync mode). */
  readonly redis: RedisConnection | null;
  readonly queueName: string;
  readonly deliverWith: string;
  readonly sync: boolean;
  readonly #jobDefaults: { delay: number; priority: number | undefined };
  readonly #attempts: number;
  readonly #backoff: number;
  readonly #maxMessageBytes: number;
  readonly #keepCompleted: number;
  readonly #timeoutMs: number;
  readonly prefix: string;
  #producer: Producer | undefined;
  #syncPool: MailerPool | undefined;

  constructor(options: QueueBackendOptions = {}) {
    super(options as Record<string, unknown>);
    const fromUrl = urlDefaults(this.settingDefaults().emailUrl);
    this.sync = options.sync ?? fromUrl.sync ?? false;
    const where = this.alias === null ? 'queue backend' : `mailer "${this.alias}" (queue backend)`;
    this.redis = this.sync ? null : checkRedis(options.redis ?? fromUrl.redis ?? DEFAULT_REDIS, where);
    this.queueName = checkName(options.queue ?? fromUrl.queue ?? 'mail', 'queue', where);
    this.deliverWith = checkName(options.deliverWith ?? fromUrl.deliverWith ?? 'default', 'deliverWith', where);
    this.prefix = checkName(options.prefix ?? 'bull', 'prefix', where);
    try {
      checkLater({ delay: options.delay, priority: options.priority }, where);
    } catch (error) {
      throw new ConfigurationError((error as Error).message);
    }
    this.#jobDefaults = { delay: options.delay ?? 0, priority: options.priority };
    this.#attempts = positiveInteger(options.attempts ?? 8, 'attempts', where);
    this.#backoff = positiveInteger(options.backoff ?? 5000, 'backoff', where);
    this.#maxMessageBytes = positiveInteger(options.maxMessageBytes ?? 10 * MIB, 'maxMessageBytes', where);
    const timeout = options.timeout ?? 5;
    if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
      throw new ConfigurationError(`${where}: timeout is a number of seconds greater than 0; got ${String(timeout)}.`);
    }
    this.#timeoutMs = timeout * 1000;
    this.#keepCompleted = positiveInteger(options.keepCompleted ?? 1000, 'keepCompleted', where, true);
  }

  /** Take a shared connection to Redis (none in sync mode). */
  override async open(): Promise<boolean> {
    if (this.sync) {
      if (this.#syncPool) return false;
      this.#syncPool = new MailerPool();
      return true;
    }
    if (this.#producer) return false;
    this.#producer = acquireProducer(this.redis!, this.queueName, this.prefix);
    return true;
  }

  override async close(): Promise<void> {
    this.#producer?.release();
    this.#producer = undefined;
    const pool = this.#syncPool;
    this.#syncPool = undefined;
    await pool?.close();
  }

  protected override async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome): Promise<void> {
    const now = Date.now();
    const jobs: { name: string; data: MailJobData; opts: JobsOptions }[] = [];
    // Every message is read and checked before anything is queued: a batch is queued whole or not at all.
    for (const prepared of batch) {
      let data: MailJobData;
      try {
        data = await toJobData(prepared, this.deliverWith, this.#maxMessageBytes, now);
      } catch (error) {
        if (error instanceof MailError) throw error;
        throw new SendError(
          `Message ${prepared.index + 1} could not be read to be queued: ${(error as Error)?.message ?? error}. Nothing of this batch was queued.`,
          { cause: error, sent: 0, messageIndex: prepared.index },
        );
      }
      jobs.push({ name: 'mail', data, opts: this.#jobOptions(prepared.message, now) });
    }
    if (this.sync) return this.#deliverNow(batch, jobs, outcome);

    const producer = this.#producer!;
    let added: { id?: string }[];
    try {
      await producer.ready(this.#timeoutMs);
      added = await producer.queue.addBulk(jobs);
    } catch (error) {
      if (this.failSilently) return;
      const reason = (error as Error)?.message ?? String(error);
      const last =
        producer.lastError && producer.lastError.message !== reason ? ` (${producer.lastError.message})` : '';
      throw new SendError(
        `Could not queue ${jobs.length === 1 ? 'the message' : `the ${jobs.length} messages`} on queue "${this.queueName}" at ${describeRedis(this.redis!)}: ${reason}${last}. ` +
          (jobs.length === 1
            ? 'Redis did not confirm it: send it again when Redis is reachable (if the connection dropped while it was written, it may have been stored).'
            : 'Redis did not confirm them: send them again when Redis is reachable (if the connection dropped while they were written, they may have been stored).'),
        { cause: error, sent: 0, transient: true },
      );
    }
    batch.forEach((prepared, i) => {
      const id = added[i]?.id;
      if (id !== undefined) {
        Object.defineProperty(prepared.message, QUEUED, {
          value: { id, queue: this.queueName },
          enumerable: false,
          configurable: true,
        });
      }
      outcome.delivered(prepared);
    });
  }

  /** Sync mode: each job as Redis would hold it (JSON), delivered at once. */
  async #deliverNow(batch: PreparedMessage[], jobs: { data: MailJobData }[], outcome: DeliveryOutcome): Promise<void> {
    for (const [i, prepared] of batch.entries()) {
      const data = JSON.parse(JSON.stringify(jobs[i]!.data)) as MailJobData;
      let sent: number;
      try {
        ({ sent } = await deliverJob(data, this.#syncPool!, undefined, prepared.message));
      } catch (error) {
        outcome.failed(prepared, error);
        continue;
      }
      if (sent > 0) outcome.delivered(prepared);
    }
  }

  #jobOptions(message: EmailMessage, now: number): JobsOptions {
    const later = laterOptionsOf(message);
    const delay =
      later && (later.delay !== undefined || later.at !== undefined) ? delayOf(later, now) : this.#jobDefaults.delay;
    const priority = later?.priority ?? this.#jobDefaults.priority;
    const opts: JobsOptions = {
      attempts: this.#attempts,
      backoff: { type: 'exponential', delay: this.#backoff },
      removeOnComplete: this.#keepCompleted,
      removeOnFail: false,
    };
    if (delay > 0) opts.delay = delay;
    if (priority !== undefined) opts.priority = priority;
    return opts;
  }
}

Object.defineProperty(QueueBackend.prototype, QUEUE_BACKEND_BRAND, { value: true });

function urlDefaults(url: string | null): QueueUrlOptions {
  if (typeof url !== 'string' || !/^queue:/i.test(url)) return {};
  return parseQueueUrl(url);
}

function checkName(value: unknown, name: string, where: string): string {
  if (typeof value !== 'string' || value.trim() === '' || /[\s:]/.test(value)) {
    throw new ConfigurationError(
      `${where}: ${name} is a non-empty name without spaces or ":"; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function positiveInteger(value: unknown, name: string, where: string, zeroOk = false): number {
  if (!Number.isInteger(value) || (value as number) < (zeroOk ? 0 : 1)) {
    throw new ConfigurationError(
      `${where}: ${name} is a whole number ${zeroOk ? '0' : '1'} or more; got ${String(value)}.`,
    );
  }
  return value as number;
}
