import { randomBytes } from 'node:crypto';

// 128 random bits a boundary, drawn from the CSPRNG 256 boundaries at a time: one
// `randomBytes` call per 256 multiparts keeps building fast.
const TOKEN_BYTES = 16;
const POOL_BYTES = TOKEN_BYTES * 256;
let pool = Buffer.alloc(0);
let at = 0;

/**
 * A new multipart boundary (RFC 2046 §5.1.1): `=_` and 32 hex digits of fresh randomness, so
 * nothing a recipient has seen (another message's boundaries, a Message-ID) predicts it, and
 * base64 and quoted-printable content cannot hold it (neither writes `=_`). The builder still
 * checks the parts it writes as they are (see `settleBoundaries` in mime-tree.ts).
 */
export function makeBoundary(): string {
  if (at + TOKEN_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    at = 0;
  }
  const token = pool.toString('hex', at, at + TOKEN_BYTES);
  at += TOKEN_BYTES;
  return `=_${token}`;
}
