import type { EmailMessage } from '@mail/core';
import { invalidJobData, type MailJobData } from './job-data.js';
import type { MailerPool } from './mailer-pool.js';
import { QueuedMessage } from './queued-message.js';

/** What a delivered job records as its result (BullMQ's `returnvalue`). */
export interface DeliveryResult {
  /** Messages the mailer reported delivered (1, or 0 from a mailer that fails silently). */
  sent: number;
  messageId: string | null;
  /** True when an earlier attempt had already been accepted, so nothing was sent again. */
  duplicate?: boolean;
}

/** A job whose data this worker cannot deliver: failed for good, never retried. */
export class InvalidJobError extends Error {
  override name = 'InvalidJobError';
}

/**
 * Where a worker remembers which jobs a mailer accepted, checked before sending: a job that
 * comes back after its worker died between the mailer's acceptance and the job's completion
 * is not sent twice.
 */
export interface AcceptedRecord {
  has(jobId: string, messageId: string | null): Promise<boolean>;
  add(jobId: string, messageId: string | null): Promise<void>;
}

/** Deliver one job's message through its `deliverWith` mailer. Errors are the mailer's, unchanged. */
export async function deliverJob(
  data: MailJobData,
  pool: MailerPool,
  record?: { jobId: string; accepted: AcceptedRecord },
  shown?: EmailMessage,
): Promise<DeliveryResult> {
  const invalid = invalidJobData(data);
  if (invalid !== null) throw new InvalidJobError(`Cannot deliver this job: ${invalid}.`);
  if (record && (await record.accepted.has(record.jobId, data.messageId))) {
    return { sent: 0, messageId: data.messageId, duplicate: true };
  }
  const message = new QueuedMessage(data, shown);
  const sent = await pool.use(data.deliverWith, (backend) => backend.sendMessages([message]));
  // Best effort: the mailer accepted the message; a record that cannot be written must not make it fail.
  if (record && sent > 0) await record.accepted.add(record.jobId, data.messageId).catch(() => undefined);
  return { sent, messageId: data.messageId };
}
