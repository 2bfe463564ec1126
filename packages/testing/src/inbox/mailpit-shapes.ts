import { createHash } from 'node:crypto';
import type { Attachment } from 'mailparser';
import type { StoredMessage } from './inbox-store.js';
import { addressList, bccOf } from './search-query.js';

/** An address as Mailpit's JSON has it (Go's `net/mail.Address`). */
export interface MailpitAddress {
  Name: string;
  Address: string;
}

/** One message in `GET /api/v1/messages` and `/search` (Mailpit's `MessageSummary`). */
export interface MailpitMessageSummary {
  ID: string;
  MessageID: string;
  Read: boolean;
  From: MailpitAddress | null;
  To: MailpitAddress[];
  Cc: MailpitAddress[];
  Bcc: MailpitAddress[];
  ReplyTo: MailpitAddress[];
  Subject: string;
  Created: string;
  Username: string;
  Tags: string[];
  Size: number;
  Attachments: number;
  Snippet: string;
}

/** An attachment or inline part (Mailpit's `Attachment`). */
export interface MailpitAttachment {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  Checksums: { MD5: string; SHA1: string; SHA256: string };
}

/** `GET /api/v1/message/{ID}` (Mailpit's `Message`). */
export interface MailpitMessage {
  ID: string;
  MessageID: string;
  From: MailpitAddress | null;
  To: MailpitAddress[];
  Cc: MailpitAddress[];
  Bcc: MailpitAddress[];
  ReplyTo: MailpitAddress[];
  ReturnPath: string;
  Subject: string;
  ListUnsubscribe: { Header: string; Links: string[]; Errors: string; HeaderPost: string };
  Date: string;
  Tags: string[];
  Username: string;
  Text: string;
  HTML: string;
  Size: number;
  Inline: MailpitAttachment[];
  Attachments: MailpitAttachment[];
}

/** `GET /api/v1/messages` and `GET /api/v1/search`. */
export interface MailpitMessagesSummary {
  total: number;
  unread: number;
  count: number;
  messages_count: number;
  messages_unread: number;
  start: number;
  tags: string[];
  messages: MailpitMessageSummary[];
}

/** Mailpit lists the parts with a name or a Content-ID; inline ones apart from attachments. */
function parts(message: StoredMessage): { inline: Attachment[]; attached: Attachment[] } {
  const named = message.parsed.attachments.filter((a) => a.partId && (a.filename || a.contentId));
  return {
    inline: named.filter((a) => a.contentDisposition !== 'attachment'),
    attached: named.filter((a) => a.contentDisposition === 'attachment'),
  };
}

/** The attachment or inline part with this Mailpit PartID (mailparser's `partId`). */
export function findPart(message: StoredMessage, partId: string): Attachment | undefined {
  return message.parsed.attachments.find((a) => a.partId === partId);
}

const checksums = new WeakMap<Attachment, MailpitAttachment['Checksums']>();

function attachmentShape(a: Attachment): MailpitAttachment {
  let sums = checksums.get(a);
  if (!sums) {
    const hash = (name: string) => createHash(name).update(a.content).digest('hex');
    sums = { MD5: hash('md5'), SHA1: hash('sha1'), SHA256: hash('sha256') };
    checksums.set(a, sums);
  }
  return {
    PartID: a.partId ?? '',
    FileName: a.filename ?? '',
    ContentType: a.contentType,
    ContentID: (a.contentId ?? '').replace(/^<|>$/g, ''),
    Size: a.size,
    Checksums: sums,
  };
}

function snippet(message: StoredMessage): string {
  const source = message.parsed.text || (typeof message.parsed.html === 'string' ? stripTags(message.parsed.html) : '');
  const flat = source.slice(0, 2000).replace(/\s+/g, ' ').trim();
  return flat.length > 250 ? `${flat.slice(0, 250)}...` : flat;
}

function stripTags(html: string): string {
  return html
    .slice(0, 20_000)
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ');
}

function common(message: StoredMessage) {
  const { parsed } = message;
  return {
    ID: message.id,
    MessageID: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
    From: addressList(parsed.from)[0] ?? null,
    To: addressList(parsed.to),
    Cc: addressList(parsed.cc),
    // Mailpit shows the envelope recipients that no header names as Bcc.
    Bcc: bccOf(message).map((Address) => ({ Name: '', Address })),
    ReplyTo: addressList(parsed.replyTo),
    Subject: parsed.subject ?? '',
  };
}

export function summaryShape(message: StoredMessage): MailpitMessageSummary {
  return {
    ...common(message),
    Read: message.read,
    Created: message.created.toISOString(),
    Username: message.user ?? '',
    Tags: [],
    Size: message.raw.length,
    Attachments: parts(message).attached.length,
    Snippet: snippet(message),
  };
}

export function messageShape(message: StoredMessage): MailpitMessage {
  const { parsed } = message;
  const { inline, attached } = parts(message);
  const unsubscribe = headerValue(message, 'list-unsubscribe');
  return {
    ...common(message),
    ReturnPath: message.envelope.mailFrom,
    ListUnsubscribe: {
      Header: unsubscribe,
      Links: [...unsubscribe.matchAll(/<([^>]+)>/g)].map((m) => m[1]),
      Errors: '',
      HeaderPost: headerValue(message, 'list-unsubscribe-post'),
    },
    Date: (parsed.date ?? message.created).toISOString(),
    Tags: [],
    Username: message.user ?? '',
    Text: parsed.text ?? '',
    HTML: typeof parsed.html === 'string' ? parsed.html : '',
    Size: message.raw.length,
    Inline: inline.map(attachmentShape),
    Attachments: attached.map(attachmentShape),
  };
}

function headerValue(message: StoredMessage, name: string): string {
  return headersShape(message)[canonicalKey(name)]?.[0] ?? '';
}

/** Go's `textproto.CanonicalMIMEHeaderKey`: `message-id` → `Message-Id`. */
function canonicalKey(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

const headerCache = new WeakMap<StoredMessage, Record<string, string[]>>();

/** `GET /api/v1/message/{ID}/headers`: every header as sent (unfolded, not decoded), by canonical name. */
export function headersShape(message: StoredMessage): Record<string, string[]> {
  const cached = headerCache.get(message);
  if (cached) return cached;
  const head = message.raw.subarray(0, 256 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const lines = (end < 0 ? head : head.slice(0, end)).split(/\r?\n(?![ \t])/);
  const out: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = canonicalKey(line.slice(0, colon).trim());
    const value = Buffer.from(line.slice(colon + 1), 'latin1')
      .toString('utf8')
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    out[key] ??= [];
    out[key].push(value);
  }
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  headerCache.set(message, sorted);
  return sorted;
}

/** `GET /api/v1/messages` / `search`: `matched` (newest first) from `start`, at most `limit`. */
export function listShape(
  all: readonly StoredMessage[],
  matched: readonly StoredMessage[],
  start: number,
  limit: number,
): MailpitMessagesSummary {
  const page = matched.slice(start, limit > 0 ? start + limit : undefined);
  const unread = (list: readonly StoredMessage[]) => list.filter((m) => !m.read).length;
  return {
    total: all.length,
    unread: unread(all),
    count: page.length,
    messages_count: matched.length,
    messages_unread: unread(matched),
    start,
    tags: [],
    messages: page.map(summaryShape),
  };
}
