/**
 * @mail/backend-queue: queued sending on BullMQ and Redis. The backend (alias `queue`) stores
 * each message as a job; workers (`startWorker()`, the `mail-worker` command) send them through
 * the mailer named by `deliverWith`, with retries for transient failures.
 *
 * @example
 * ```ts
 * import { configure, sendMail } from '@mail/core';
 * configure({ mailers: { default: { backend: 'queue', options: { redis: 'redis://localhost:6379', deliverWith: 'smtp' } },
 *                        smtp: { backend: 'smtp', options: { host: 'smtp.example.com' } } } });
 * await sendMail({ subject: 'Hi', message: 'Hello', fromEmail: null, recipientList: ['ann@example.com'] }); // 1: queued
 * ```
 * @packageDocumentation
 */
import { QueueBackend } from './queue-backend.js';

export type { DeliveryResult } from './deliver-job.js';
export { type DeliverLaterOptions, type DeliverWhen, deliverLater } from './deliver-later.js';
export { type MailJobData, MessageTooLargeError } from './job-data.js';
export { type MailQueue, openQueue, type QueueCounts, type QueuedEmail, type QueueLocation } from './mail-queue.js';
export { closeProducers } from './producers.js';
export { type QueueBackendOptions, queuedJobOf } from './queue-backend.js';
export { parseQueueUrl, type QueueUrlOptions } from './queue-url.js';
export { QueuedMessage } from './queued-message.js';
export type { RedisConnection } from './redis-connection.js';
export { type MailWorker, startWorker, type WorkerEvent, type WorkerOptions } from './worker.js';
export { QueueBackend as EmailBackend, QueueBackend };
export default QueueBackend;
