import { Buffer } from 'node:buffer';
import { ConfigurationError } from '../errors.js';
import { encodeQuotedPrintable } from './quoted-printable.js';

/**
 * Large in-memory content (over 1 MB) whose base64 is written when the message is written:
 * `asBytes()` encodes it straight into the message's buffer (no string of it, no second copy).
 * Like a file of `attachFile`, it is read then, not when the message is built.
 */
export interface Base64Chunk {
  kind: 'base64';
  bytes: Buffer;
}

/** An encoded part body: its Content-Transfer-Encoding and the text that goes on the wire. */
export interface EncodedBody {
  transferEncoding: '7bit' | '8bit' | 'quoted-printable' | 'base64';
  body: string;
}

// RFC 2045 §2.7: 7bit data is US-ASCII without NUL, CR and LF only as CRLF.
const NOT_7BIT = /[^\t\r\n\x20-\x7e]/;

/** RFC 5322 §2.1.1: a line is at most 998 octets, CRLF excluded. */
const MAX_LINE = 998;

/**
 * Convert any line ending (LF, CR, CRLF) to CRLF, as RFC 5322 §2.3 requires on the wire.
 * Native string scans only: this is on the hot path for every body.
 */
export function toCrlf(text: string): string {
  // replaceAll with a string pattern: a native search, about twice as fast as a global regex on large bodies.
  if (text.indexOf('\r') === -1) return text.indexOf('\n') === -1 ? text : text.replaceAll('\n', '\r\n');
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/** True when some line of `text` is longer than `max` characters. */
export function hasLongLine(text: string, max = MAX_LINE): boolean {
  if (text.length <= max) return false;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    // The line's length without its line break (LF, or the CR of a CRLF).
    const end = nl === -1 ? text.length : nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end - start > max) return true;
    if (nl === -1) return false;
    start = nl + 1;
  }
}

/** Node's name for a MIME charset we can encode to, or undefined. */
export function bufferEncodingOf(charset: string): 'utf8' | 'latin1' | 'ascii' | undefined {
  switch (charset.toLowerCase()) {
    case 'utf-8':
    case 'utf8':
      return 'utf8';
    case 'iso-8859-1':
    case 'latin1':
    case 'latin-1':
    case 'l1':
      return 'latin1';
    case 'us-ascii':
    case 'ascii':
      return 'ascii';
    default:
      return undefined;
  }
}

/**
 * Encode a text body for the wire in `charset`: as is (`7bit`) when it is ASCII with lines of
 * at most 998 octets; otherwise quoted-printable (RFC 2045 §6.7) in lines of at most 76
 * characters, or base64 (RFC 2045 §6.8) when most of it is not ASCII and quoted-printable
 * would triple it. Line endings become CRLF first. Returns the charset actually used: text
 * that `us-ascii` or `iso-8859-1` cannot carry is sent as `utf-8`.
 */
export function encodeTextBody(text: string, charset: string): EncodedBody & { charset: string } {
  if (text.length < CACHE_MIN || text.length > CACHE_MAX) return encodeUncached(text, charset);
  // Strings are immutable, so an encoding can be reused: mass mail sends one body to many people.
  let byText = cache.get(charset);
  if (byText === undefined) cache.set(charset, (byText = new Map()));
  let hit = byText.get(text);
  if (hit === undefined) {
    hit = encodeUncached(text, charset);
    if (byText.size >= CACHE_ENTRIES) byText.delete(byText.keys().next().value as string);
    byText.set(text, hit);
  }
  return hit;
}

// A few recent bodies (per charset), between these sizes: small ones are cheap to encode again,
// and holding huge ones would cost memory.
const CACHE_MIN = 256;
const CACHE_MAX = 1 << 20;
const CACHE_ENTRIES = 32;
const cache = new Map<string, Map<string, EncodedBody & { charset: string }>>();

function encodeUncached(text: string, charset: string): EncodedBody & { charset: string } {
  const crlf = toCrlf(text);
  if (!NOT_7BIT.test(crlf) && !hasLongLine(crlf)) return { transferEncoding: '7bit', body: crlf, charset };
  let encoding = bufferEncodingOf(charset);
  if (encoding === undefined) {
    throw new ConfigurationError(
      `Unsupported charset ${JSON.stringify(charset)} for a text body: use 'utf-8' (or 'iso-8859-1') in the encoding property or the defaultCharset setting.`,
    );
  }
  // A charset that cannot hold the text would lose characters; UTF-8 holds them all.
  if (encoding === 'ascii' || (encoding === 'latin1' && /[^\x00-\xff]/.test(crlf))) {
    encoding = 'utf8';
    charset = 'utf-8';
  }
  const bytes = Buffer.from(crlf, encoding);
  if (bytes.length > crlf.length * 1.5) return { transferEncoding: 'base64', body: wrapBase64(bytes), charset };
  return { transferEncoding: 'quoted-printable', body: encodeQuotedPrintable(bytes), charset };
}

/**
 * Base64 in lines of 76 characters joined by CRLF, no final line break (RFC 2045 §6.8).
 * `Buffer#toString('base64')` once, then 76-character slices joined once: much faster than a
 * regex wrap, and the bytes are the same as nodemailer's `base64.wrap`.
 */
export function wrapBase64(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const len = b64.length;
  if (len <= 76) return b64;
  const lines = new Array<string>(Math.ceil(len / 76));
  for (let i = 0, j = 0; i < len; i += 76, j++) lines[j] = b64.slice(i, i + 76);
  return lines.join('\r\n');
}

// 57 input bytes are one 76-character line; a block of lines is encoded at a time, small
// enough to stay in the CPU's cache between the encode and the spreading of its lines.
const BLOCK_LINES = 512;
const BLOCK_BYTES = 57 * BLOCK_LINES;

/** The length of {@link wrapBase64} of `n` bytes: 76-character lines joined by CRLF. */
export function wrappedBase64Length(n: number): number {
  const chars = Math.ceil(n / 3) * 4;
  return chars + Math.max(0, Math.ceil(chars / 76) - 1) * 2;
}

/**
 * Write {@link wrapBase64} of `source` into `out` at `at`, as octets; returns where it ended.
 * Made without a string per line: each block of 512 lines is encoded natively
 * (`Buffer#toString('base64')`, a string small enough to stay in the CPU's cache) and written
 * where it ends up, then its lines are moved apart, last first, with `copyWithin` (a memmove
 * each) and a CRLF put in each gap. The cost is the native encode and two copies in cache.
 */
export function writeWrappedBase64(out: Buffer, at: number, source: Buffer): number {
  const n = source.length;
  for (let from = 0; from < n; from += BLOCK_BYTES) {
    const to = Math.min(n, from + BLOCK_BYTES);
    const written = out.write(source.toString('base64', from, to), at, 'latin1');
    const lines = Math.ceil(written / 76);
    const end = at + written;
    for (let k = lines - 1; k > 0; k--) {
      const line = at + 76 * k;
      const moved = at + 78 * k;
      out.copyWithin(moved, line, Math.min(line + 76, end));
      out[moved - 2] = 13; // CR
      out[moved - 1] = 10; // LF
    }
    at += written + (lines - 1) * 2;
    if (to < n) {
      out[at++] = 13;
      out[at++] = 10;
    }
  }
  return at;
}

/** {@link wrapBase64} as bytes (the same octets), for large content. */
export function wrapBase64Bytes(bytes: Uint8Array): Buffer {
  const source = toBuffer(bytes);
  const out = Buffer.allocUnsafe(wrappedBase64Length(source.length));
  writeWrappedBase64(out, 0, source);
  return out;
}

/**
 * {@link wrapBase64} of an attachment's bytes, reusing the encoding of the same bytes attached
 * shortly before (mass mail attaches one file to many messages; as with text bodies, the
 * encoding is the costly part of building them, and one string shared by a batch also spares
 * the GC). A hit is the same object holding the same bytes as when it was encoded (compared
 * with a copy kept then), so a buffer changed in place is encoded again. Only an object seen
 * before is cached: one attached once (a per-recipient invoice) costs no copy.
 */
export function base64Lines(bytes: Uint8Array): string {
  if (bytes.byteLength < B64_CACHE_MIN || bytes.byteLength > B64_CACHE_MAX) return wrapBase64(bytes);
  if (!b64Seen.has(bytes)) {
    b64Seen.add(bytes);
    return wrapBase64(bytes);
  }
  const hit = b64Cache.get(bytes);
  if (hit?.copy.equals(bytes)) {
    // Most recently used last, so the oldest entry is the one dropped.
    b64Cache.delete(bytes);
    b64Cache.set(bytes, hit);
    return hit.lines;
  }
  const lines = wrapBase64(bytes);
  if (hit) forget(bytes, hit);
  const entry = { copy: Buffer.from(bytes), lines };
  b64CacheBytes += costOf(entry);
  b64Cache.set(bytes, entry);
  for (const [key, old] of b64Cache) {
    if (b64CacheBytes <= B64_CACHE_BYTES) break;
    forget(key, old);
  }
  return lines;
}

/**
 * The base64 body of an attachment as the builder writes it: {@link base64Lines} (a string, from
 * the cache when the same bytes were attached shortly before), or for content over 1 MB a
 * `{ kind: 'base64' }` chunk: its octets are encoded by `asBytes()` straight into the message's
 * buffer (see BuiltMessage), with no string and no copy of the encoding in between.
 */
export function base64Body(bytes: Uint8Array): string | Base64Chunk {
  return bytes.byteLength > B64_CACHE_MAX ? { kind: 'base64', bytes: toBuffer(bytes) } : base64Lines(bytes);
}

interface B64Entry {
  copy: Buffer;
  lines: string;
}

const costOf = (entry: B64Entry) => entry.copy.length + entry.lines.length;

function forget(key: Uint8Array, entry: B64Entry): void {
  b64Cache.delete(key);
  b64CacheBytes -= costOf(entry);
}

// Attachments between these sizes (small ones are cheap to encode), and at most this much held
// (the copies and their base64; the cache also keeps the caller's buffers alive until dropped).
const B64_CACHE_MIN = 1024;
const B64_CACHE_MAX = 1 << 20;
const B64_CACHE_BYTES = 4 << 20;
const b64Cache = new Map<Uint8Array, B64Entry>();
const b64Seen = new WeakSet<Uint8Array>();
let b64CacheBytes = 0;

/** Bytes as a Buffer, without a copy. */
export function toBuffer(content: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}
