import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { BuiltMessage, type Chunk } from './built-message.js';
import { hasLongLine, toBuffer, toCrlf, wrapBase64 } from './encode-body.js';
import type { BuildsItself } from './mime-message.js';
import { AttachedFile } from './mime-part.js';
import type { Leaf } from './mime-tree.js';

/** True for a message that builds itself (an `EmailMessage`), as opposed to a part or an attachment. */
export function isBuildsItself(value: unknown): value is BuildsItself {
  return value !== null && typeof value === 'object' && typeof (value as BuildsItself).message === 'function';
}

// The attached messages being built, outermost first: building is synchronous, so this is the
// chain of message/rfc822 parts above the one being built now.
const building = new Set<BuildsItself>();

/** An attached message built, refusing a message that contains itself (it would never end). */
function buildAttached(content: BuildsItself): unknown {
  if (building.has(content)) {
    throw new TypeError(
      'An EmailMessage is attached to itself (directly or through the messages it attaches): a message/rfc822 part cannot contain its own message.',
    );
  }
  building.add(content);
  try {
    return content.message();
  } finally {
    building.delete(content);
  }
}

// RFC 2045 §2.7, §2.8: 7bit is printable US-ASCII, tab and CRLF; 8bit adds any octet but NUL.
const NOT_7BIT = /[^\t\r\n\x20-\x7e]/;
const NON_ASCII = /[^\x00-\x7f]/;

/** `eightBit`: the body may hold non-ASCII octets (the built message is then not all ASCII). */
function leaf(body: Chunk[], transferEncoding: string, eightBit: boolean): Leaf {
  return { multi: false, contentType: 'message/rfc822', transferEncoding, extra: [], body, eightBit };
}

/** The text of a message given as bytes or a file: UTF-8 (as Django reads it), else an error. */
function decoded(bytes: Buffer, what: string): string {
  if (!isUtf8(bytes)) {
    throw new TypeError(
      `A message/rfc822 attachment given as ${what} is not UTF-8: decode it to a string, or attach it with mimetype 'application/octet-stream' to send the bytes as they are.`,
    );
  }
  return bytes.toString('utf8');
}

/**
 * An attached message given as text: `7bit` when it is printable ASCII, `8bit` when it holds
 * other characters, both with CRLF line ends (RFC 2046 §5.2.1 allows only these, and `binary`).
 * A message that no 7bit or 8bit part may carry (a line over 998 octets, a NUL) is sent in
 * base64 rather than broken or cut (see docs/decisions.md).
 */
function textLeaf(text: string): Leaf {
  const crlf = toCrlf(text);
  if (crlf.includes('\0') || hasLongLine(crlf)) return leaf([wrapBase64(Buffer.from(crlf, 'utf8'))], 'base64', false);
  return leaf([crlf], NOT_7BIT.test(crlf) ? '8bit' : '7bit', NON_ASCII.test(crlf));
}

/**
 * An attached message (RFC 2046 §5.2.1): an `EmailMessage` embedded as it builds (never
 * base64), or a message given as text, UTF-8 bytes or a file (`attachFile('x.eml')`, read when
 * the message is built: its lines decide its transfer encoding, written before it).
 */
export function rfc822Leaf(content: unknown): Leaf {
  if (isBuildsItself(content)) {
    const built = buildAttached(content);
    if (!(built instanceof BuiltMessage))
      throw new TypeError('A message/rfc822 attachment must be an EmailMessage of @mail/core.');
    // Built by this builder: CRLF lines of at most 998 octets, no NUL.
    return leaf([...built.chunks], built.ascii ? '7bit' : '8bit', !built.ascii);
  }
  if (typeof content === 'string') return textLeaf(content);
  if (content instanceof Uint8Array) return textLeaf(decoded(toBuffer(content), 'bytes'));
  if (content instanceof AttachedFile) return textLeaf(decoded(readFileSync(content.path), `a file (${content.path})`));
  throw new TypeError('A message/rfc822 attachment takes an EmailMessage, a string, bytes or a file.');
}
