import { Buffer } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';

const LF = 0x0a;
const CR = 0x0d;
const CRLF = Buffer.from('\r\n');

/** One header field of the message as written: its lowercase name and its text, folds included, without the final CRLF. */
export interface HeaderField {
  name: string;
  /** The whole field as latin1 text (one character per octet, so UTF-8 headers survive). */
  text: string;
}

/** Split a header block (the octets before the empty line) into fields; a line starting with WSP continues the field. */
export function parseHeaderBlock(block: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = block.toString('latin1').split('\r\n');
  for (const line of lines) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length) {
      fields[fields.length - 1].text += `\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    fields.push({
      name: (colon === -1 ? line : line.slice(0, colon)).replace(/[ \t]+$/, '').toLowerCase(),
      text: line,
    });
  }
  return fields;
}

/**
 * A header field canonicalized (RFC 6376 §3.4.1 simple: as is; §3.4.2 relaxed: name lowercased,
 * unfolded, runs of WSP made one SP, WSP around the colon and at the end removed), with no CRLF.
 */
export function canonicalHeader(field: HeaderField, relaxed: boolean): string {
  if (!relaxed) return field.text;
  const colon = field.text.indexOf(':');
  const value = field.text
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
  return `${field.name}:${value}`;
}

/**
 * The body hash (`bh=`, RFC 6376 §3.7) computed as the body streams by, in either
 * canonicalization (§3.4.3 simple, §3.4.4 relaxed): nothing is held but the incomplete last line
 * and a count of the empty lines seen last (which only count if something follows them).
 */
export class BodyHash {
  readonly #hash: Hash = createHash('sha256');
  readonly #relaxed: boolean;
  #carry: Buffer | null = null;
  #pendingEmpty = 0;
  #hashedAny = false;

  constructor(relaxed: boolean) {
    this.#relaxed = relaxed;
  }

  update(chunk: Buffer): void {
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    const last = data.lastIndexOf(LF);
    if (last === -1) {
      this.#carry = Buffer.from(data); // a copy: never pin a large chunk for a few octets
      return;
    }
    this.#carry = last === data.length - 1 ? null : Buffer.from(data.subarray(last + 1));
    this.#lines(data.subarray(0, last + 1));
  }

  /** `bh=`: the base64 SHA-256 of the canonicalized body. */
  digest(): string {
    if (this.#carry) {
      // RFC 6376 §3.4.3/§3.4.4: a last line without CRLF gets one. It is hashed as the complete
      // line it becomes on the wire (SMTP ends the data with CRLF; RFC 5321 §4.1.1.4), so its
      // trailing WSP goes too, as a verifier of the received message sees it.
      const line = this.#relaxed ? relax(this.#carry, true) : this.#carry;
      if (line.length) {
        this.#flushEmpty();
        this.#hash.update(line);
        this.#hash.update(CRLF);
        this.#hashedAny = true;
      }
      this.#carry = null;
    }
    // Simple: an empty body is one CRLF. Relaxed: it is empty (RFC 6376 errata 3192).
    if (!this.#hashedAny && !this.#relaxed) this.#hash.update(CRLF);
    return this.#hash.digest('base64');
  }

  /** Whole lines (the block starts a line and ends with LF). */
  #lines(block: Buffer): void {
    if (this.#relaxed) block = relaxLines(block);
    let end = block.length;
    while (end > 0 && (block[end - 1] === LF || block[end - 1] === CR)) end--;
    if (end === 0) {
      this.#pendingEmpty += countLf(block, 0);
      return;
    }
    // Trailing empty lines are held back: they count only if content follows (§3.4.3).
    const lineEnd = block.indexOf(LF, end);
    this.#flushEmpty();
    this.#hash.update(block.subarray(0, lineEnd + 1));
    this.#hashedAny = true;
    this.#pendingEmpty = countLf(block, lineEnd + 1);
  }

  #flushEmpty(): void {
    for (; this.#pendingEmpty > 0; this.#pendingEmpty--) this.#hash.update(CRLF);
  }
}

function countLf(block: Buffer, from: number): number {
  let n = 0;
  for (let at = block.indexOf(LF, from); at !== -1; at = block.indexOf(LF, at + 1)) n++;
  return n;
}

/**
 * Relaxed body lines (RFC 6376 §3.4.4) of a block of whole lines. Only the runs of lines that
 * hold WSP are rewritten: base64 (most of a message with attachments) has none and is kept as
 * it is, with no copy of its own.
 */
function relaxLines(block: Buffer): Buffer {
  const n = block.length;
  let space = block.indexOf(0x20);
  let tab = block.indexOf(0x09);
  if (space === -1 && tab === -1) return block;
  const nextWsp = (from: number) => {
    if (space !== -1 && space < from) space = block.indexOf(0x20, from);
    if (tab !== -1 && tab < from) tab = block.indexOf(0x09, from);
    return space === -1 ? tab : tab === -1 ? space : Math.min(space, tab);
  };
  const pieces: Buffer[] = [];
  let pos = 0;
  while (pos < n) {
    const first = nextWsp(pos);
    if (first === -1) {
      pieces.push(block.subarray(pos));
      break;
    }
    const start = block.lastIndexOf(LF, first) + 1;
    let end = block.indexOf(LF, first) + 1;
    // Neighbouring lines with WSP (a text part) are relaxed together: one string, two searches.
    for (let next = nextWsp(end); next !== -1 && next - end < 256; next = nextWsp(end))
      end = block.indexOf(LF, next) + 1;
    if (start > pos) pieces.push(block.subarray(pos, start));
    pieces.push(relax(block.subarray(start, end)));
    pos = end;
  }
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

// WSP before a line break, and the runs of WSP that are not already one SP.
const TRAILING_WSP = /[ \t]+(\r?\n)/g;
const WSP_RUN = /\t[ \t]*| [ \t]+/g;

/** RFC 6376 §3.4.4: WSP at the end of a line removed, other runs of WSP made one SP (octets kept as latin1). */
function relax(block: Buffer, lastLine = false): Buffer {
  let text = block.toString('latin1').replace(TRAILING_WSP, '$1').replace(WSP_RUN, ' ');
  // The last line (no line break after it): its end is the end of the text, as short as one line.
  if (lastLine && text.endsWith(' ')) text = text.slice(0, -1);
  return Buffer.from(text, 'latin1');
}
