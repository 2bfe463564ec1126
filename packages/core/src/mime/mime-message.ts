import type { Readable } from 'node:stream';

/**
 * The built MIME message returned by `EmailMessage.message()`.
 * `asBytes()` is what goes on the wire (CRLF line endings, dot-stuffing is the transport's job).
 * A third-party message type may implement it; the optional hints let a transport take a fast path.
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
  /**
   * Hint: true when every line break of the wire form is known to be CRLF (no bare CR or LF), so
   * a transport may skip normalising line ends and only dot-stuff (RFC 5321 §4.5.2).
   * Leave it out (or false) when unsure.
   */
  readonly crlf?: boolean;
  /**
   * Hint: true when the whole message is in memory (no file or stream to read), so a transport
   * may take `asBytes()` in one piece instead of streaming.
   */
  readonly isInMemory?: boolean;
}

/**
 * Something that can build itself into a {@link MimeMessage}: what an attached `message/rfc822`
 * needs (an `EmailMessage` is one). The builder depends on this, never on the message classes.
 */
export interface BuildsItself {
  message(): MimeMessage;
}
