import { statSync } from 'node:fs';
import { basename } from 'node:path';
// THE ONE UPWARD EDGE of core (Django's API): a message knows the connection it is sent through
// (`connection`, `send()`), which sits above it (backends, connection). Only types and the
// connection check are imported statically; send() loads `../connection.js` when it runs.
import type { BaseEmailBackend } from '../backends/base-email-backend.js';
import { checkConnectionChoice } from '../connection-choice.js';
import { ConfigurationError } from '../errors.js';
import { type ListUnsubscribe, listUnsubscribeHeaders } from '../headers/list-unsubscribe.js';
import { guessMimetype } from '../mime/guess-type.js';
import { buildMessage } from '../mime/mime-builder.js';
import type { MimeMessage } from '../mime/mime-message.js';
import {
  AttachedFile,
  type Attachment,
  type AttachmentContent,
  type AttachmentInput,
  type AttachmentItem,
  isMimePart,
  type MimePart,
} from '../mime/mime-part.js';
import { getSettings } from '../settings/settings-store.js';
import type { DeliveryReport } from './delivery-report.js';
import { sendingCopy } from './snapshot.js';

export {
  type Alternative,
  type AlternativeInput,
  AttachedFile,
  type Attachment,
  type AttachmentContent,
  type AttachmentInput,
  type AttachmentItem,
  type MimePart,
} from '../mime/mime-part.js';

/**
 * The options of `new EmailMessage({...})`. Address lists are arrays: a plain string for `to`,
 * `cc`, `bcc` or `replyTo` is a TypeError (Django's rule, so `'a@x'` is never read letter by letter).
 */
export interface EmailMessageOptions {
  subject?: string;
  body?: string;
  /** null, '' or omitted: the `defaultFromEmail` setting. */
  fromEmail?: string | null;
  to?: readonly string[];
  cc?: readonly string[];
  bcc?: readonly string[];
  replyTo?: readonly string[];
  /** The backend `send()` uses; a new default one when omitted. */
  connection?: BaseEmailBackend | null;
  /** `[filename, content, mimetype?]` triples, MimeParts, EmailMessages (sent as message/rfc822). */
  attachments?: readonly AttachmentInput[];
  /** Extra headers; To, Cc, From and Reply-To here override the written header, not the envelope. */
  headers?: Record<string, string>;
  /** One-click unsubscribe: writes List-Unsubscribe (and List-Unsubscribe-Post with `oneClick`). */
  listUnsubscribe?: ListUnsubscribe | null;
}

/** Options of {@link EmailMessage.send}. */
export interface SendOptions {
  /** Swallow delivery failures (never bad input such as a header injection). */
  failSilently?: boolean;
  /** Send through this mailer of the `mailers` setting; a TypeError together with `connection`. */
  using?: string | null;
}

function addressList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    throw new TypeError(`"${field}" must be a list of addresses, not a string: use [${JSON.stringify(value)}].`);
  }
  if (typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`"${field}" must be a list of addresses, got ${typeof value}.`);
  }
  return Array.from(value as Iterable<string>);
}

/** Turn one `attachments` item into what `attachments` holds. */
function normalizeAttachment(item: AttachmentInput): AttachmentItem {
  if (Array.isArray(item)) {
    const [filename, content, mimetype] = item as readonly [
      string | null,
      AttachmentContent,
      string | null | undefined,
    ];
    if (content === undefined || content === null)
      throw new TypeError('An attachment needs content: [filename, content, mimetype?].');
    return { filename: filename ?? null, content, mimetype: mimetype ?? null };
  }
  if (item instanceof EmailMessage || isMimePart(item)) {
    if (isMimePart(item) && (item.content === undefined || item.content === null))
      throw new TypeError('A MimePart needs content.');
    return item;
  }
  if (item !== null && typeof item === 'object' && 'content' in item && 'filename' in item) return item as Attachment;
  throw new TypeError('An attachment is a [filename, content, mimetype?] triple, a MimePart or an EmailMessage.');
}

/**
 * An email message, as Django's `EmailMessage`: build it, change its public properties if you
 * like, then `send()` it or hand it to a backend's `sendMessages()`.
 *
 * @example
 * ```ts
 * const msg = new EmailMessage({
 *   subject: 'Hello', body: 'Body goes here', fromEmail: 'from@example.com',
 *   to: ['to1@example.com'], bcc: ['bcc@example.com'], replyTo: ['another@example.com'],
 *   headers: { 'Message-ID': '<foo@example.com>' },
 * });
 * msg.attachFile('/images/weather_map.png');
 * await msg.send();
 * ```
 */
export class EmailMessage {
  subject: string;
  body: string;
  /** The sender; null means the `defaultFromEmail` setting, read when the message is built. */
  fromEmail: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  connection: BaseEmailBackend | null;
  attachments: AttachmentItem[];
  headers: Record<string, string>;
  /** `List-Unsubscribe` targets (RFC 2369, RFC 8058), or null; checked here and when the message is built. */
  listUnsubscribe: ListUnsubscribe | null;
  /** The body's subtype: `'plain'`, or `'html'` for an HTML-only message. */
  contentSubtype = 'plain';
  /** The subtype of the multipart that holds attachments. */
  mixedSubtype = 'mixed';
  /** The body's charset; null means the `defaultCharset` setting. */
  encoding: string | null = null;
  /** What happened when it was last sent (Message-ID, accepted and refused recipients, server reply); null before. */
  delivery: DeliveryReport | null = null;

  constructor(options: EmailMessageOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError('new EmailMessage() takes one options object: { subject, body, fromEmail, to, ... }.');
    }
    this.to = addressList(options.to, 'to');
    this.cc = addressList(options.cc, 'cc');
    this.bcc = addressList(options.bcc, 'bcc');
    this.replyTo = addressList(options.replyTo, 'replyTo');
    this.subject = options.subject ?? '';
    this.body = options.body ?? '';
    // Django: `from_email or settings.DEFAULT_FROM_EMAIL`, so '' means the default too.
    this.fromEmail = options.fromEmail || getSettings().defaultFromEmail;
    this.connection = options.connection ?? null;
    this.attachments = (options.attachments ?? []).map(normalizeAttachment);
    this.headers = { ...(options.headers ?? {}) };
    this.listUnsubscribe = options.listUnsubscribe ? { ...options.listUnsubscribe } : null;
    listUnsubscribeHeaders(this.listUnsubscribe); // bad targets fail here, where they were given
    if (typeof this.subject !== 'string') throw new TypeError(`subject must be a string, got ${typeof this.subject}.`);
    if (typeof this.body !== 'string') throw new TypeError(`body must be a string, got ${typeof this.body}.`);
  }

  /**
   * Build the MIME message (headers checked, encoded, folded). Throws {@link BadHeaderError}
   * on an attempt at header injection and {@link InvalidAddressError} on a malformed address.
   */
  message(): MimeMessage {
    return buildMessage(this);
  }

  /** Every recipient: To, Cc and Bcc, empty entries dropped. */
  recipients(): string[] {
    const out: string[] = [];
    for (const [field, list] of [
      ['to', this.to],
      ['cc', this.cc],
      ['bcc', this.bcc],
    ] as const) {
      for (const address of addressList(list, field)) if (address) out.push(address);
    }
    return out;
  }

  /**
   * Send the message through `connection`, or through a new connection (the default backend,
   * or the mailer named by `using`). Resolves to the number of messages sent: 0 when there
   * are no recipients. What is sent is the message as it is at this call: changing it while the
   * send is under way (`msg.to = [next]; msg.send()` in a loop) changes only later sends.
   */
  async send({ failSilently = false, using }: SendOptions = {}): Promise<number> {
    checkConnectionChoice({ connection: this.connection, using, failSilently }); // even with nothing to send
    if (this.recipients().length === 0) return 0; // Don't bother creating the network connection.
    // Taken before the first await: the connection is found asynchronously.
    const sending = sendingCopy(this);
    // The upward edge (see the top of this file), loaded on first send: it keeps the backends and
    // the loader out of a cold import of the message classes.
    const { connectionFor } = await import('../connection.js');
    const connection = await connectionFor({ connection: sending.copy.connection, using, failSilently });
    try {
      return await connection.sendMessages([sending.copy]);
    } finally {
      sending.giveBack();
    }
  }

  /**
   * Attach content: `attach(filename, content, mimetype?)` (the mimetype guessed from the
   * filename when omitted; `message/rfc822` takes an EmailMessage), or `attach(part)` with a
   * {@link MimePart} or an {@link EmailMessage}.
   */
  attach(part: MimePart | EmailMessage): void;
  attach(filename: string | null, content: AttachmentContent, mimetype?: string | null): void;
  attach(first: string | null | MimePart | EmailMessage, content?: AttachmentContent, mimetype?: string | null): void {
    if (first instanceof EmailMessage || isMimePart(first)) {
      if (content !== undefined)
        throw new TypeError('attach(part) takes the part alone; use attach(filename, content, mimetype) for content.');
      this.attachments.push(normalizeAttachment(first));
      return;
    }
    if (first !== null && typeof first === 'object') {
      throw new TypeError(
        'attach() takes a MimePart (with contentType and content), an EmailMessage, or (filename, content, mimetype).',
      );
    }
    if (content === undefined || content === null)
      throw new TypeError('attach(filename, content, mimetype?) needs content.');
    if (first !== null && first !== undefined && typeof first !== 'string')
      throw new TypeError('attach(): the filename must be a string or null.');
    this.attachments.push({ filename: first ?? null, content, mimetype: mimetype ?? null });
  }

  /**
   * Attach a file from disk. The file must exist now (an error naming it otherwise); its
   * content is read when the message is written and streamed, never held whole in memory.
   */
  attachFile(path: string, mimetype?: string | null): void {
    if (typeof path !== 'string' || !path) throw new TypeError('attachFile() takes a file path.');
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) throw new TypeError(`attachFile(): ${path} is not a file.`);
      size = stat.size;
    } catch (error) {
      if (error instanceof TypeError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new ConfigurationError(
        `attachFile(): cannot attach ${path}: ${reason}. Check the path (relative paths start at ${process.cwd()}).`,
        { cause: error },
      );
    }
    const filename = basename(path);
    this.attachments.push({
      filename,
      content: new AttachedFile(path, size),
      mimetype: mimetype ?? guessMimetype(filename),
    });
  }

  /** True when the body contains `text` (on EmailMultiAlternatives, every text/* alternative too). */
  bodyContains(text: string): boolean {
    return this.body.includes(text);
  }
}
