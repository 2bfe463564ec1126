import { readFileSync } from 'node:fs';
import type { AttachedFile, AttachmentItem, EmailMessage, EmailMultiAlternatives, MimePart } from '@mail/core';
import { mimetypeOf } from './mimetype.js';
import type { SentAttachment, SentEmail } from './types.js';

/**
 * An outbox entry: core's `EmailMessage` (an `EmailMultiAlternatives` has `alternatives` too).
 * Recognised by shape, not class, so an entry from another copy of @mail/core (ESM beside CJS)
 * qualifies.
 */
export type OutboxEntryLike = Pick<
  EmailMessage,
  'subject' | 'body' | 'fromEmail' | 'to' | 'cc' | 'bcc' | 'replyTo' | 'contentSubtype' | 'attachments' | 'headers'
> & { message(): { getHeader(name: string): string | undefined } } & Partial<
    Pick<EmailMultiAlternatives, 'alternatives'>
  >;

/** Whether `value` looks like an `EmailMessage` (an outbox entry). */
export function isOutboxEntry(value: unknown): value is OutboxEntryLike {
  const v = value as OutboxEntryLike | null;
  return typeof v === 'object' && v !== null && typeof v.message === 'function' && Array.isArray(v.to);
}

/** An outbox entry in the matchers' shape; its headers come from building it, once, when first asked. */
export function fromOutboxEntry(entry: OutboxEntryLike): SentEmail {
  let built: ReturnType<OutboxEntryLike['message']> | null | undefined;
  const header = (name: string): string | undefined => {
    if (built === undefined) {
      try {
        built = entry.message();
      } catch {
        built = null; // the entry was sent, so this hardly happens; fall back to the user's headers
      }
    }
    const fromBuilt = built?.getHeader(name);
    if (fromBuilt !== undefined) return fromBuilt;
    const extra = entry.headers ?? {};
    const key = Object.keys(extra).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : String(extra[key]);
  };
  const alternatives = (entry.alternatives ?? []).map(({ content, mimetype }) => ({ content, mimetype }));
  // Parameters (`text/html; charset=utf-8`) don't change the type.
  const htmlAlternative = alternatives.find((a) => mimetypeOf(a.mimetype) === 'text/html');
  const body = entry.body ?? '';
  return {
    source: 'outbox',
    subject: entry.subject ?? '',
    from: entry.fromEmail ?? header('From') ?? '',
    to: [...(entry.to ?? [])],
    cc: [...(entry.cc ?? [])],
    bcc: [...(entry.bcc ?? [])],
    replyTo: [...(entry.replyTo ?? [])],
    body,
    html: entry.contentSubtype === 'html' ? body : textOf(htmlAlternative?.content),
    alternatives,
    attachments: (entry.attachments ?? []).map(toAttachment),
    header,
    original: entry,
  };
}

/** What `attachments` holds (core's AttachmentItem): `{ filename, content, mimetype }`, a MimePart or an attached EmailMessage. */
function toAttachment(item: AttachmentItem): SentAttachment {
  if (isOutboxEntry(item)) return { filename: undefined, content: item, contentType: 'message/rfc822' };
  const a = item as Partial<{ filename: string | null; content: unknown; mimetype: string | null }> & Partial<MimePart>;
  const attachment: SentAttachment = {
    filename: a.filename ?? undefined,
    content: a.content,
    contentType: a.mimetype ?? a.contentType ?? undefined,
  };
  if (isAttachedFile(a.content)) {
    // attachFile() keeps only the path (the content is streamed at send time): read the file
    // when a matcher compares the content, so `content: '…'` works as for any other attachment.
    const file = a.content;
    let bytes: Buffer | undefined;
    Object.defineProperty(attachment, 'content', {
      enumerable: true,
      get: () => {
        if (bytes === undefined) {
          try {
            bytes = readFileSync(file.path);
          } catch {
            return file; // gone since it was attached: compare what the outbox holds
          }
        }
        return bytes;
      },
    });
  }
  return attachment;
}

/** `attachFile()`'s content (core's `AttachedFile`, by shape: any copy of core): a path and the size it had when attached. */
function isAttachedFile(content: unknown): content is AttachedFile {
  const c = content as { path?: unknown; size?: unknown } | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    !Buffer.isBuffer(c) &&
    typeof c.path === 'string' &&
    typeof c.size === 'number'
  );
}

function textOf(content: unknown): string | undefined {
  if (content === undefined || content === null) return undefined;
  return Buffer.isBuffer(content) ? content.toString('utf8') : String(content);
}
