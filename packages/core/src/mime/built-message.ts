import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Encoder as Base64Encoder } from 'nodemailer/lib/base64';
import { type Base64Chunk, wrapBase64Bytes, wrappedBase64Length, writeWrappedBase64 } from './encode-body.js';

export type { Base64Chunk } from './encode-body.js';

import type { MimeMessage } from './mime-message.js';

/**
 * Content produced at send time rather than at build time: a file attached with `attachFile`
 * or a readable stream given as a part's content, base64-encoded as it streams (nodemailer's
 * streaming base64 encoder), never held whole in memory.
 */
export interface LazyChunk {
  kind: 'file' | 'readable';
  /** The file to read (kind `file`). */
  path?: string;
  /** The stream to read once (kind `readable`). */
  readable?: Readable;
}

/** A piece of the message on the wire: text (UTF-8), bytes, bytes to base64-encode, or content read at send time. */
export type Chunk = string | Buffer | Base64Chunk | LazyChunk;

/** In memory: a string, bytes, or bytes to encode. */
type MemoryChunk = string | Buffer | Base64Chunk;

function isBase64(chunk: Chunk): chunk is Base64Chunk {
  return typeof chunk === 'object' && !Buffer.isBuffer(chunk) && chunk.kind === 'base64';
}

/** A chunk as bytes or text (a Base64Chunk encoded). */
function materialized(chunk: MemoryChunk): string | Buffer {
  return isBase64(chunk) ? wrapBase64Bytes(chunk.bytes) : chunk;
}

/** A header as the user (or the builder) set it, before encoding. */
export interface RawHeader {
  name: string;
  value: string;
}

// 57 input bytes make one 76-character base64 line: reading in multiples keeps chunks aligned.
const FILE_CHUNK = 57 * 1024;
const consumed = new WeakSet<Readable>();

async function* lazyBytes(chunk: LazyChunk): AsyncGenerator<Buffer> {
  let source: Readable;
  if (chunk.kind === 'file') {
    source = createReadStream(chunk.path as string, { highWaterMark: FILE_CHUNK });
  } else {
    source = chunk.readable as Readable;
    if (consumed.has(source)) {
      throw new TypeError(
        'A MimePart whose content is a readable stream can be sent only once; give a Buffer or a file path to send it again.',
      );
    }
    consumed.add(source);
  }
  const encoder = new Base64Encoder({ lineLength: 76 });
  source.on('error', (error) => encoder.destroy(error));
  source.pipe(encoder);
  for await (const piece of encoder) yield piece as Buffer;
}

/**
 * The built message: its headers as set (for `getHeader`) and its wire form as a list of
 * chunks, concatenated once by `asBytes()` or streamed by `stream()`.
 */
export class BuiltMessage implements MimeMessage {
  readonly #headers: RawHeader[];
  /** The wire form. Exposed to the builder so an attached message can be embedded as is. */
  readonly chunks: readonly Chunk[];

  /** True when every in-memory chunk is US-ASCII (lets `asBytes()` copy instead of encoding UTF-8). */
  readonly ascii: boolean;

  /**
   * True when every line break of the wire form (`asBytes()` and `stream()` alike, files
   * included) is known to be CRLF: no bare CR, no bare LF. The builder sets it, since all it
   * writes is CRLF text (header guards refuse line breaks; bodies go through `toCrlf`,
   * quoted-printable or base64). A transport may then skip normalising line ends and only
   * dot-stuff (RFC 5321 §4.5.2), with a search or two instead of a look at every line.
   * The {@link MimeMessage.crlf} hint, read by @mail/backend-smtp.
   */
  readonly crlf: boolean;

  constructor(headers: RawHeader[], chunks: Chunk[], ascii = false, crlf = false) {
    this.#headers = headers;
    this.chunks = chunks;
    this.ascii = ascii;
    this.crlf = crlf;
  }

  getHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const header of this.#headers) if (header.name.toLowerCase() === lower) return header.value;
    return undefined;
  }

  /** Every header as set, in order (not encoded). */
  headers(): readonly RawHeader[] {
    return this.#headers;
  }

  /** True when every chunk is already in memory (no file or stream to read): the {@link MimeMessage.isInMemory} hint. */
  get isInMemory(): boolean {
    this.#inMemory ??= this.chunks.every((c) => typeof c === 'string' || Buffer.isBuffer(c) || isBase64(c));
    return this.#inMemory;
  }

  #inMemory: boolean | undefined;

  /**
   * The size of the wire form in octets without building it: files are measured with `stat`
   * (their base64 length follows from it), a readable stream cannot say, so null. Read by
   * @mail/backend-smtp for SIZE (RFC 1870), tested in test/mime/built-message.test.ts.
   */
  async byteLength(): Promise<number | null> {
    let total = 0;
    for (const chunk of this.chunks) {
      if (typeof chunk === 'string') total += this.ascii ? chunk.length : Buffer.byteLength(chunk, 'utf8');
      else if (Buffer.isBuffer(chunk)) total += chunk.length;
      else if (chunk.kind === 'base64') total += wrappedBase64Length(chunk.bytes.length);
      else if (chunk.kind === 'file') total += wrappedBase64Length((await stat(chunk.path as string)).size);
      else return null;
    }
    return total;
  }

  async asBytes(): Promise<Buffer> {
    if (this.isInMemory) return this.#joinInMemory();
    const parts: Buffer[] = [];
    for await (const piece of this.#pieces()) parts.push(piece);
    return Buffer.concat(parts);
  }

  async asString(): Promise<string> {
    return (await this.asBytes()).toString('utf8');
  }

  stream(): Readable {
    if (this.isInMemory) {
      // One Buffer, pushed on the first read: no async iterator per message on the SMTP hot path.
      const join = () => this.#joinInMemory();
      let done = false;
      return new Readable({
        read() {
          if (done) return;
          done = true;
          this.push(join());
          this.push(null);
        },
      });
    }
    return Readable.from(this.#pieces(), { objectMode: false });
  }

  #joinInMemory(): Buffer {
    const chunks = this.chunks as MemoryChunk[];
    if (this.ascii) {
      // One allocation, each chunk copied (or base64-encoded) into it once: the fast path for
      // the common all-ASCII message.
      let length = 0;
      for (const c of chunks) length += isBase64(c) ? wrappedBase64Length(c.bytes.length) : c.length;
      const out = Buffer.allocUnsafe(length);
      let at = 0;
      for (const c of chunks) {
        if (typeof c === 'string') at += out.write(c, at, 'latin1');
        else if (Buffer.isBuffer(c)) at += c.copy(out, at);
        else at = writeWrappedBase64(out, at, c.bytes);
      }
      return out;
    }
    if (chunks.every((c) => typeof c === 'string')) return Buffer.from((chunks as string[]).join(''), 'utf8');
    return Buffer.concat(
      chunks.map((c) => {
        const m = materialized(c);
        return typeof m === 'string' ? Buffer.from(m, 'utf8') : m;
      }),
    );
  }

  async *#pieces(): AsyncGenerator<Buffer> {
    let pending: (string | Buffer)[] = [];
    const flush = () => {
      const out = pending.every((c) => typeof c === 'string')
        ? Buffer.from(pending.join(''), 'utf8')
        : Buffer.concat(pending.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
      pending = [];
      return out;
    };
    for (const chunk of this.chunks) {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk) || isBase64(chunk)) {
        pending.push(materialized(chunk));
        continue;
      }
      if (pending.length) yield flush();
      yield* lazyBytes(chunk);
    }
    if (pending.length) yield flush();
  }
}
