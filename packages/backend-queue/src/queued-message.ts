import { Readable } from 'node:stream';
import { EmailMessage, type MimeMessage } from '@mail/core';
import { jobBytes, type MailJobData } from './job-data.js';

/** Where a rebuilt message keeps its bytes: a symbol key, so a copy (the locmem outbox's) keeps them too. */
const RAW: unique symbol = Symbol.for('@mail/backend-queue.raw') as never;

/**
 * A message rebuilt from a job on the worker: the address fields and subject of the queued
 * message, and `message()` returning the exact bytes built when it was queued (Message-ID,
 * Date, boundaries and attachments as they were), so any backend sends it unchanged.
 * The body is in those bytes; `body` is empty (except in sync mode, see the constructor).
 */
export class QueuedMessage extends EmailMessage {
  declare [RAW]: Buffer;

  /**
   * @param shown in sync mode, the queued message itself: its body, alternatives, attachments and
   *   headers are shown on this one (for the outbox matchers); the bytes are still the job's.
   */
  constructor(data: MailJobData, shown?: EmailMessage) {
    const { subject, fromEmail, to, cc, bcc, replyTo } = data.fields;
    super({ subject, fromEmail, to, cc, bcc, replyTo });
    Object.defineProperty(this, RAW, { value: jobBytes(data), enumerable: false });
    if (shown) {
      this.body = shown.body;
      this.contentSubtype = shown.contentSubtype;
      this.attachments = [...shown.attachments];
      this.headers = { ...shown.headers };
      const alternatives = (shown as { alternatives?: unknown }).alternatives;
      if (Array.isArray(alternatives)) Object.assign(this, { alternatives: [...alternatives] });
    }
  }

  /** The bytes built when the message was queued, unchanged. */
  override message(): MimeMessage {
    return new RawMime(this[RAW]);
  }
}

/**
 * A built message given as bytes: the headers are read from them (unfolded, encoded words left
 * as written). The bytes are in memory; `crlf` is true when every line break is CRLF, which a
 * transport may use to skip normalising line ends (as for core's built messages).
 */
export class RawMime implements MimeMessage {
  readonly isInMemory = true;
  readonly crlf: boolean;
  readonly #bytes: Buffer;
  #headers: Map<string, string> | undefined;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    this.crlf = onlyCrlf(bytes);
  }

  getHeader(name: string): string | undefined {
    this.#headers ??= parseHeaders(this.#bytes);
    return this.#headers.get(name.toLowerCase());
  }

  async asBytes(): Promise<Buffer> {
    return this.#bytes;
  }

  async asString(): Promise<string> {
    return this.#bytes.toString('utf8');
  }

  stream(): Readable {
    return Readable.from([this.#bytes], { objectMode: false });
  }
}

function onlyCrlf(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) if (bytes[at - 1] !== 13) return false;
  for (let at = bytes.indexOf(13); at !== -1; at = bytes.indexOf(13, at + 1)) if (bytes[at + 1] !== 10) return false;
  return true;
}

/** The header section (up to the first empty line), unfolded; the first of a repeated header wins. */
function parseHeaders(bytes: Buffer): Map<string, string> {
  const end = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  return headers;
}
