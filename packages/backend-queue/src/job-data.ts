import { AttachedFile, type EmailMessage, MailError, type PreparedMessage } from '@mail/core';

/** Version of the job format; a worker refuses a job of a version it does not know. */
export const JOB_FORMAT = 1;

/**
 * What one job holds: the message as built when it was queued (Message-ID and Date fixed then),
 * its envelope, and the few fields a worker needs to rebuild the `EmailMessage` object. Never a
 * connection, a setting or a password; never a path on the queuing host (files attached with
 * `attachFile` are read into `raw`).
 */
export interface MailJobData {
  /** {@link JOB_FORMAT}. */
  v: typeof JOB_FORMAT;
  /** The message bytes (CRLF line ends), as `encoding` says. */
  raw: string;
  /** `utf8` when the bytes are valid UTF-8 (readable in Redis), else `base64`. */
  encoding: 'utf8' | 'base64';
  /** Envelope sender and recipients (Bcc included), as computed when the message was queued. */
  envelope: { from: string; to: string[] };
  /** Address fields and subject of the message object (Bcc is not in `raw`, so it is kept here). */
  fields: { subject: string; fromEmail: string; to: string[]; cc: string[]; bcc: string[]; replyTo: string[] };
  /** The Message-ID header written into `raw`, or null when the message has none. */
  messageId: string | null;
  /** The mailer the worker sends it through (`deliverWith`). */
  deliverWith: string;
  /** When it was queued (ms since the epoch). */
  queuedAt: number;
}

/** A message too large for a job: the batch is refused before anything is queued. */
export class MessageTooLargeError extends MailError {
  static override readonly errorName: string = 'MessageTooLargeError';
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/**
 * Refuse a message whose files are over the limit before reading them: files attached with
 * `attachFile` are read into the job (a worker on another host cannot read the path).
 */
export function checkAttachedFiles(message: EmailMessage, index: number, maxBytes: number): void {
  let total = 0;
  const visit = (m: EmailMessage) => {
    for (const item of m.attachments ?? []) {
      const content = (item as { content?: unknown }).content;
      if (content instanceof AttachedFile) total += content.size;
      else if (isMessage(item)) visit(item);
      else if (isMessage(content)) visit(content);
      if (total > maxBytes) {
        const file = content instanceof AttachedFile ? ` (${content.path})` : '';
        throw tooLarge(index, `its attached files${file} add up to more than ${mb(maxBytes)}`, maxBytes);
      }
    }
  };
  visit(message);
}

function isMessage(value: unknown): value is EmailMessage {
  return value !== null && typeof value === 'object' && typeof (value as EmailMessage).message === 'function';
}

function tooLarge(index: number, what: string, maxBytes: number): MessageTooLargeError {
  return new MessageTooLargeError(
    `Message ${index + 1} cannot be queued: ${what}, and a job holds at most ${mb(maxBytes)} ` +
      `(files attached with attachFile() are read into the job, since a worker on another host cannot read the path). ` +
      `Raise the queue backend's maxMessageBytes option, or store the file where recipients can fetch it and send a link. ` +
      `Nothing of this batch was queued.`,
  );
}

/** The job of one checked message: its bytes read now (files included), with the limit applied. */
export async function toJobData(
  prepared: PreparedMessage,
  deliverWith: string,
  maxBytes: number,
  now: number,
): Promise<MailJobData> {
  const { message, mime, envelope, index } = prepared;
  checkAttachedFiles(message, index, maxBytes);
  const bytes = await mime.asBytes();
  if (bytes.length > maxBytes) throw tooLarge(index, `it is ${mb(bytes.length)} built`, maxBytes);
  const text = bytes.toString('utf8');
  const utf8 = Buffer.byteLength(text) === bytes.length && Buffer.from(text, 'utf8').equals(bytes);
  return {
    v: JOB_FORMAT,
    raw: utf8 ? text : bytes.toString('base64'),
    encoding: utf8 ? 'utf8' : 'base64',
    envelope: { from: envelope.from, to: [...envelope.to] },
    fields: {
      subject: message.subject,
      fromEmail: message.fromEmail ?? envelope.from,
      to: [...message.to],
      cc: [...message.cc],
      bcc: [...message.bcc],
      replyTo: [...message.replyTo],
    },
    messageId: mime.getHeader('Message-ID') ?? null,
    deliverWith,
    queuedAt: now,
  };
}

/** The bytes of a job. */
export function jobBytes(data: MailJobData): Buffer {
  return Buffer.from(data.raw, data.encoding);
}

/** Why `value` is not a job this version can deliver, or null when it is one. */
export function invalidJobData(value: unknown): string | null {
  const d = value as Partial<MailJobData> | null;
  if (d === null || typeof d !== 'object') return 'the job holds no data';
  if (d.v !== JOB_FORMAT) return `the job is in format ${String(d.v)}; this worker reads format ${JOB_FORMAT}`;
  if (typeof d.raw !== 'string' || (d.encoding !== 'utf8' && d.encoding !== 'base64')) return 'the job has no message';
  if (!d.envelope || typeof d.envelope.from !== 'string' || !Array.isArray(d.envelope.to))
    return 'the job has no envelope';
  if (!d.fields || !Array.isArray(d.fields.to)) return 'the job has no address fields';
  if (typeof d.deliverWith !== 'string' || d.deliverWith === '') return 'the job names no mailer (deliverWith)';
  return null;
}
