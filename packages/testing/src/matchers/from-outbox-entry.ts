import { readFileSync } from 'node:fs';
import { mimetypeOf } from './mimetype.js';
import type { SentAttachment, SentEmail } from './types.js';

/** The parts of an `EmailMessage` (as kept in the locmem outbox) the matchers read. */
export interface OutboxEntryLike {
  subject?: string;
  body?: string;
  fromEmail?: string | null;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  contentSubtype?: string;
  attachments?: unknown[];
  alternatives?: { content: unknown; mimetype: string }[];
  headers?: Record<string, string>;
  extraHeaders?: Record<string, string>;
  message(): { getHeader(name: string): string | undefined };
}

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
    const extra = entry.headers ?? entry.extraHeaders ?? {};
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

/** `[filename, content, mimetype]`, `{ filename, content, mimetype }`, a MimePart or an attached EmailMessage. */
function toAttachment(item: unknown): SentAttachment {
  if (Array.isArray(item))
    return { filename: item[0] ?? undefined, content: item[1], contentType: item[2] ?? undefined };
  if (isOutboxEntry(item)) return { filename: undefined, content: item, contentType: 'message/rfc822' };
  const a = (item ?? {}) as {
    filename?: string | null;
    path?: string;
    content?: unknown;
    mimetype?: string | null;
    contentType?: string;
  };
  const filename = a.filename ?? (typeof a.path === 'string' ? a.path.split(/[\\/]/).pop() : undefined);
  const attachment: SentAttachment = {
    filename: filename ?? undefined,
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

/** `attachFile()`'s content (core's `AttachedFile`): a path and the size it had when attached. */
function isAttachedFile(content: unknown): content is { path: string; size: number } {
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
