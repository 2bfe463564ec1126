import type { Readable } from 'node:stream';

/**
 * The built MIME message returned by `EmailMessage.message()`.
 * `asBytes()` is what goes on the wire (CRLF line endings, dot-stuffing is the transport's job).
 */
export interface MimeMessage {
  /** A header's value as set (not encoded), case-insensitive name; undefined when absent. */
  getHeader(name: string): string | undefined;
  /** The whole message, CRLF line endings. Reads `attachFile` files at this call. */
  asBytes(): Promise<Buffer>;
  /** `asBytes()` decoded as UTF-8 (the message is 7-bit/8-bit text). */
  asString(): Promise<string>;
  /** The message as a stream; files attached with `attachFile` are streamed, never held whole. */
  stream(): Readable;
}

/** The envelope of a message: bare addresses, IDNA domains, no display names. */
export interface Envelope {
  from: string;
  to: string[];
}

/**
 * A message of a batch after the base backend has checked it: built (header guards passed)
 * and with a validated envelope. This is what a backend's `deliver` receives.
 */
export interface PreparedMessage<M = import('../message/email-message.js').EmailMessage> {
  /** The message as the caller gave it. */
  message: M;
  /** Its position in the batch. */
  index: number;
  /** The built MIME message. */
  mime: MimeMessage;
  /** Envelope sender and recipients (Bcc included). */
  envelope: Envelope;
}

/** What a backend can do; lets the conformance suite pick the groups that apply. */
export interface BackendCapabilities {
  /** The backend delivers messages somewhere they can be read back (false for dummy). */
  delivers: boolean;
  /** The backend keeps a connection between `open()` and `close()`. */
  keepsConnection: boolean;
}

/** Options every backend accepts. */
export interface BackendOptions {
  failSilently?: boolean;
  [option: string]: unknown;
}
