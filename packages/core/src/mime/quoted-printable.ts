import { Buffer } from 'node:buffer';

// RFC 2045 §6.7 rule (2): these octets may stand for themselves (33-60, 62-126, and space and
// tab unless they end a line); everything else, '=' included, is written as "=XX".
const LITERAL = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) LITERAL[c] = c === 0x3d ? 0 : 1;
LITERAL[0x09] = 1;
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');

/** RFC 2045 §6.7 rule (5): an encoded line is at most 76 characters, its soft break "=" included. */
const MAX = 76;

/**
 * Quoted-printable of text bytes whose line breaks are all CRLF, in lines of at most 76
 * characters (RFC 2045 §6.7): CRLF kept as a hard line break, soft breaks ("=" CRLF) where a
 * line would grow past 76, never inside an "=XX" escape; space and tab before a line break or at
 * the end encoded (rule 3), '=' and every octet outside 33-126 (but space and tab) encoded. One
 * pass over the bytes into one buffer, instead of nodemailer's string concatenation and regex
 * wrapping (about 10× slower on large bodies). Decodes to the same octets as nodemailer's
 * `qp.wrap(qp.encode(bytes))`; the soft breaks may fall elsewhere (nodemailer prefers a space).
 */
export function encodeQuotedPrintable(bytes: Uint8Array): string {
  const n = bytes.length;
  // Worst case: every octet as "=XX", and a soft break every 25 escapes.
  const out = Buffer.allocUnsafe(3 * n + Math.ceil((3 * n) / (MAX - 3)) * 3 + 3);
  let o = 0;
  let col = 0; // characters on the current output line
  // The next octet, -1 past the end: read once, never out of bounds (keeps the loop optimised).
  let next = n > 0 ? (bytes[0] as number) : -1;
  for (let i = 0; i < n; i++) {
    const c = next;
    next = i + 1 < n ? (bytes[i + 1] as number) : -1;
    if (c === 13 && next === 10) {
      out[o++] = 13;
      out[o++] = 10;
      i++;
      next = i + 1 < n ? (bytes[i + 1] as number) : -1;
      col = 0;
      continue;
    }
    // The last character before a hard break (or the end) may take column 76; any other leaves room for "=".
    const ends = next === -1 || (next === 13 && i + 2 < n && bytes[i + 2] === 10);
    // Rule (3): a space or tab that would end a line is encoded.
    const literal = LITERAL[c] === 1 && !(ends && (c === 0x20 || c === 0x09));
    const width = literal ? 1 : 3;
    if (col + width > (ends ? MAX : MAX - 1)) {
      out[o++] = 0x3d;
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
    }
    if (literal) out[o++] = c;
    else {
      out[o++] = 0x3d;
      out[o++] = HEX[c >> 4] as number;
      out[o++] = HEX[c & 15] as number;
    }
    col += width;
  }
  return out.toString('latin1', 0, o);
}
