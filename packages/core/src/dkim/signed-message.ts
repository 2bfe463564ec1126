import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { BuiltMessage } from '../mime/built-message.js';
import type { MimeMessage } from '../mime/mime-message.js';
import { BodyHash, canonicalHeader, type HeaderField, parseHeaderBlock } from './canonicalize.js';
import type { DkimKey } from './dkim-options.js';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A message signed with DKIM (RFC 6376) as it is written: `DKIM-Signature` fields (one per key)
 * in front of the message's own octets. The body hash is computed as the message streams by; a
 * message with files (`attachFile`) is read twice, once to hash and once to send, and gives the
 * same octets both times (its boundaries are fixed when it is built).
 */
export class SignedMessage implements MimeMessage {
  readonly #inner: MimeMessage;
  readonly #keys: readonly DkimKey[];

  constructor(inner: MimeMessage, keys: readonly DkimKey[]) {
    if (
      inner instanceof BuiltMessage &&
      inner.chunks.some((c) => typeof c === 'object' && 'kind' in c && c.kind === 'readable')
    ) {
      throw new TypeError(
        'A message with a MimePart whose content is a readable stream cannot be DKIM-signed: signing reads the body before sending it. Give a Buffer or attach the file with attachFile().',
      );
    }
    this.#inner = inner;
    this.#keys = keys;
  }

  /** Read by @mail/backend-smtp: same as the unsigned message's (the signature is in memory, CRLF, ASCII). */
  get isInMemory(): boolean {
    return (this.#inner as { isInMemory?: boolean }).isInMemory === true;
  }

  get crlf(): boolean {
    return (this.#inner as { crlf?: boolean }).crlf === true;
  }

  getHeader(name: string): string | undefined {
    return this.#inner.getHeader(name);
  }

  async asBytes(): Promise<Buffer> {
    if (this.isInMemory) {
      const bytes = await this.#inner.asBytes();
      return Buffer.concat([this.#signWhole(bytes), bytes]);
    }
    const signature = await this.#signStream();
    return Buffer.concat([signature, await this.#inner.asBytes()]);
  }

  async asString(): Promise<string> {
    return (await this.asBytes()).toString('utf8');
  }

  stream(): Readable {
    if (this.isInMemory) {
      let started = false;
      const self = this;
      return new Readable({
        read() {
          if (started) return;
          started = true;
          self.asBytes().then(
            (bytes) => {
              this.push(bytes);
              this.push(null);
            },
            (error) => this.destroy(error),
          );
        },
      });
    }
    const self = this;
    return Readable.from(
      (async function* () {
        yield await self.#signStream();
        yield* self.#inner.stream();
      })(),
      { objectMode: false },
    );
  }

  #signWhole(bytes: Buffer): Buffer {
    const at = bytes.indexOf(HEADER_END);
    const headerBlock = at === -1 ? bytes : bytes.subarray(0, at + 2);
    const body = at === -1 ? Buffer.alloc(0) : bytes.subarray(at + 4);
    const hashes = this.#bodyHashes();
    for (const hash of hashes.values()) hash.update(body);
    return signatureFields(headerBlock, hashes, this.#keys);
  }

  /** First read: split the header block off and hash the body as it streams (nothing held). */
  async #signStream(): Promise<Buffer> {
    const hashes = this.#bodyHashes();
    let head: Buffer | null = Buffer.alloc(0);
    let headerBlock: Buffer | null = null;
    for await (const piece of this.#inner.stream()) {
      let chunk = piece as Buffer;
      if (head !== null) {
        head = Buffer.concat([head, chunk]);
        const at = head.indexOf(HEADER_END);
        if (at === -1) continue;
        headerBlock = head.subarray(0, at + 2);
        chunk = head.subarray(at + 4);
        head = null;
      }
      for (const hash of hashes.values()) hash.update(chunk);
    }
    return signatureFields(headerBlock ?? (head as Buffer), hashes, this.#keys);
  }

  #bodyHashes(): Map<string, BodyHash> {
    const hashes = new Map<string, BodyHash>();
    for (const key of this.#keys)
      if (!hashes.has(key.bodyCanon)) hashes.set(key.bodyCanon, new BodyHash(key.bodyCanon === 'relaxed'));
    return hashes;
  }
}

/** The `DKIM-Signature` fields for a header block and the body hashes, one per key, each ending in CRLF. */
function signatureFields(headerBlock: Buffer, hashes: Map<string, BodyHash>, keys: readonly DkimKey[]): Buffer {
  const fields = parseHeaderBlock(headerBlock);
  const digests = new Map<string, string>();
  for (const [canon, hash] of hashes) digests.set(canon, hash.digest());
  const time = Math.floor(Date.now() / 1000);
  let out = '';
  for (const key of keys) out += signatureField(fields, digests.get(key.bodyCanon) as string, key, time);
  return Buffer.from(out, 'latin1');
}

function signatureField(fields: HeaderField[], bodyHash: string, key: DkimKey, time: number): string {
  const relaxed = key.headerCanon === 'relaxed';
  // RFC 6376 §5.4.2: each instance of a field is signed, from the bottom up, its name listed once per instance.
  const signed: string[] = [];
  let data = '';
  for (const name of key.fields) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (fields[i].name !== name) continue;
      signed.push(name);
      data += `${canonicalHeader(fields[i], relaxed)}\r\n`;
    }
  }
  const head =
    `DKIM-Signature: v=1; a=${key.algorithm}; c=${key.headerCanon}/${key.bodyCanon}; d=${key.domain};` +
    `\r\n s=${key.selector}; t=${time}; h=${foldList(signed)};\r\n bh=${bodyHash};\r\n b=`;
  // §3.7: the signature field itself, b= empty, canonicalized, with no CRLF after it.
  data += canonicalHeader({ name: 'dkim-signature', text: head }, relaxed);
  const bytes = Buffer.from(data, 'latin1');
  const signature = key.sign(bytes, () => createHash('sha256').update(bytes).digest()).toString('base64');
  return `${head}${foldBase64(signature)}\r\n`;
}

/** `from:to:subject…` folded at colons so no line passes 78 characters (RFC 6376 §3.2: FWS around colons). */
function foldList(names: string[]): string {
  let out = '';
  let line = 30; // "  s=…; t=…; h=" on the line before the first name
  for (const [i, name] of names.entries()) {
    const piece = i === 0 ? name : `:${name}`;
    if (line + piece.length > 76) {
      out += '\r\n  ';
      line = 2;
    }
    out += piece;
    line += piece.length;
  }
  return out;
}

/** The signature in lines of at most 78 characters (the verifier removes all of `b=`'s value, folds included). */
function foldBase64(value: string): string {
  const lines = [value.slice(0, 73)];
  for (let i = 73; i < value.length; i += 76) lines.push(value.slice(i, i + 76));
  return lines.join('\r\n  ');
}
