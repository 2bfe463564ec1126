import { encodeWord, encodeWords, foldLines } from 'nodemailer/lib/mime-funcs';
import { quoteString } from './quoted-string.js';

/**
 * Encoded text per encoded word. `=?UTF-8?Q?` + 52 + `?=` is 64 characters, under the 75 that
 * RFC 2047 §2 allows an encoded word, with room for the header name on the first line.
 */
const WORD_CHUNK = 52;

/** Header lines are folded before this many characters (RFC 5322 §2.1.1 says SHOULD be ≤ 78). */
const FOLD_AT = 76;

/**
 * A run of non-whitespace this long cannot be folded (folding happens only at whitespace) and
 * would push a line towards the 998-octet limit of RFC 5322 §2.1.1, so the value is sent as
 * encoded words instead, which can be split anywhere.
 */
const LONGEST_RUN = 900;

// Printable ASCII and TAB: nothing to encode. `=?` is checked on its own (see encodeUnstructured).
const NEEDS_ENCODING = /[^\t\x20-\x7e]/;

/** Q for mostly-ASCII text (readable, compact), B when most characters are not ASCII. */
export function wordEncodingFor(text: string): 'Q' | 'B' {
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) nonAscii++;
  return nonAscii * 2 > text.length ? 'B' : 'Q';
}

function hasLongRun(value: string, limit: number): boolean {
  if (value.length <= limit) return false;
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x09) run = 0;
    else if (++run > limit) return true;
  }
  return false;
}

/**
 * Encode an unstructured header value (Subject, a custom header) for the wire: returned as is
 * when it is printable ASCII, otherwise with the non-ASCII words as RFC 2047 encoded words of
 * at most 75 characters. A run of non-whitespace too long to fold, or text holding `=?`, is
 * encoded whole, so it can be split over several lines and never decodes to something else.
 *
 * @example
 * ```ts
 * encodeUnstructured('Réunion — jeudi'); // '=?UTF-8?Q?R=C3=A9union_=E2=80=94?= jeudi'
 * ```
 */
export function encodeUnstructured(value: string): string {
  // RFC 2047 §6.2: a reader decodes anything shaped like an encoded word, even when the user
  // typed it, so text with `=?` is encoded whole: it reads back as typed, never as a decoded CRLF.
  if (hasLongRun(value, LONGEST_RUN) || value.indexOf('=?') !== -1)
    return encodeWord(value, wordEncodingFor(value), WORD_CHUNK);
  if (!NEEDS_ENCODING.test(value)) return value;
  return encodeWords(value, wordEncodingFor(value), WORD_CHUNK);
}

/**
 * Encode a display name (an RFC 5322 §3.4 phrase): plain when it is only atoms, a quoted string
 * when it has specials, encoded words (RFC 2047 §5(3)) when it is not ASCII.
 */
export function encodeDisplayName(name: string): string {
  if (NEEDS_ENCODING.test(name) || name.indexOf('=?') !== -1 || name.length > LONGEST_RUN) {
    return encodeWord(name, wordEncodingFor(name), WORD_CHUNK);
  }
  // RFC 5322 §3.2.3 atext plus spaces needs no quoting.
  if (/^[\w!#$%&'*+\-/=?^`{|}~ ]*$/.test(name)) return name;
  return quoteString(name);
}

/**
 * One header line ready for the wire, `Name: value`, folded at whitespace before 78 characters
 * (RFC 5322 §2.2.3), without the final CRLF. The value must already be encoded.
 */
export function foldHeader(name: string, encodedValue: string): string {
  const line = `${name}: ${encodedValue}`;
  return line.length <= FOLD_AT ? line : foldLines(line, FOLD_AT);
}
