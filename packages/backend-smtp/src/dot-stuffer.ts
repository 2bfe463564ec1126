const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/** A line break then "." (a line starting with a dot, or a bare CR before one). */
const LF_DOT = Buffer.from('\n.');
const CR_DOT = Buffer.from('\r.');
const END_AFTER_LF = Buffer.from('.\r\n');
const END_AFTER_CR = Buffer.from('\n.\r\n');
const END = Buffer.from('\r\n.\r\n');

/**
 * Prepares message content for SMTP DATA, chunk by chunk (RFC 5321 §4.5.2): a line starting with
 * "." gets a second ".", and every line ending is CRLF. Bare CR and bare LF become CRLF, so no
 * byte sequence of the content can end the data early on any server (SMTP smuggling:
 * `\n.\n`, `\r.\r`, `\n.\r\n`…); {@link DotStuffer.end} gives the terminator.
 *
 * Content from the message builder is already CRLF throughout, so the usual path only checks the
 * line breaks with native `indexOf` and returns the chunk untouched. With `crlf` (the producer
 * guarantees CRLF line breaks, as core's built messages do: `BuiltMessage#crlf`) the check is
 * two searches, for LF "." and CR ".", plus the chunk edges, instead of one `indexOf` per line;
 * anything they find goes the slow, general way.
 */
export class DotStuffer {
  /** The last byte handed on; LF at the start, since the data begins a line. */
  #prev = LF;
  readonly #crlf: boolean;

  /** `crlf`: the content is known to use CRLF line breaks only, so only dots need a look. */
  constructor({ crlf = false }: { crlf?: boolean } = {}) {
    this.#crlf = crlf;
  }

  /** The chunk, ready for the wire. */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const out = this.#isClean(chunk) ? chunk : this.#rewrite(chunk);
    this.#prev = chunk[chunk.length - 1];
    return out;
  }

  /** The end of the data: CRLF "." CRLF, reusing a line ending already sent (RFC 5321 §4.1.1.4). */
  end(): Buffer {
    if (this.#prev === LF) return END_AFTER_LF;
    if (this.#prev === CR) return END_AFTER_CR;
    return END;
  }

  /** True when every line break is CRLF and no line starts with ".". */
  #isClean(chunk: Buffer): boolean {
    if (this.#prev === CR && chunk[0] !== LF) return false;
    if (this.#prev === LF && chunk[0] === DOT) return false;
    // Line breaks are CRLF (the producer says so): only a dot after one needs stuffing. A dot after
    // a CR too, which CRLF content never has: so even content that broke that promise cannot
    // hold an end of data (`\r.\r`), since any dot after a line break takes the slow path.
    if (this.#crlf) return chunk.indexOf(LF_DOT) === -1 && chunk.indexOf(CR_DOT) === -1;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) {
      if ((at === 0 ? this.#prev : chunk[at - 1]) !== CR) return false;
      if (chunk[at + 1] === DOT) return false;
    }
    for (let at = chunk.indexOf(CR); at !== -1; at = chunk.indexOf(CR, at + 1)) {
      if (at + 1 < chunk.length && chunk[at + 1] !== LF) return false;
    }
    return true;
  }

  /** The slow path: byte by byte, as nodemailer's DataStream. */
  #rewrite(chunk: Buffer): Buffer {
    // Each input byte yields at most three output bytes (a bare CR before a dot: CR LF . .).
    const out = Buffer.allocUnsafe(chunk.length * 3);
    let n = 0;
    let prev = this.#prev;
    for (const byte of chunk) {
      if (prev === CR && byte !== LF) {
        out[n++] = LF; // a bare CR becomes CRLF…
        if (byte === DOT) out[n++] = DOT; // …and a dot after it starts a line like any other
      } else if (byte === LF && prev !== CR) {
        out[n++] = CR; // a bare LF becomes CRLF
      } else if (byte === DOT && prev === LF) {
        out[n++] = DOT; // a dot at the start of a line is doubled
      }
      out[n++] = byte;
      prev = byte;
    }
    return out.subarray(0, n);
  }
}
