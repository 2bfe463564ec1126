// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
/**
 * The streaming body hash against mailauth's body canonicalizers (an implementation that is not
 * ours) on random bodies cut into random chunks: WSP runs, trailing WSP, blank lines, dots.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyHash } from '../../src/dkim/canonicalize.js';

const require = createRequire(import.meta.url);
const { dkimBody } = require('mailauth/lib/dkim/body') as {
  dkimBody(canon: string, algo: string, max: false): { update(b: Buffer): void; digest(enc: 'base64'): string };
};

const line = fc
  .array(fc.constantFrom('a', 'Z', '.', ' ', '\t', '=', 'é', '  ', '\t '), { maxLength: 12 })
  .map((parts) => parts.join(''));
const body = fc.array(line, { maxLength: 12 }).map((lines) => Buffer.from(lines.join('\r\n'), 'utf8'));

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  return out;
}

describe('BodyHash', () => {
  for (const canon of ['relaxed', 'simple'] as const) {
    it(`matches mailauth's ${canon} body hash, however the body is chunked`, () => {
      fc.assert(
        fc.property(body, fc.array(fc.nat(200), { maxLength: 6 }), fc.boolean(), (bytes, cuts, crlfEnd) => {
          const whole = crlfEnd ? Buffer.concat([bytes, Buffer.from('\r\n\r\n')]) : bytes;
          const theirs = dkimBody(canon, 'sha256', false);
          // What a verifier gets over SMTP: the data always ends with CRLF (RFC 5321 §4.1.1.4).
          const received = whole.length && !whole.subarray(-2).equals(Buffer.from('\r\n'));
          theirs.update(received ? Buffer.concat([whole, Buffer.from('\r\n')]) : whole);
          const ours = new BodyHash(canon === 'relaxed');
          for (const piece of chunked(whole, cuts)) ours.update(piece);
          expect(ours.digest()).toBe(theirs.digest('base64'));
        }),
        { numRuns: 400 },
      );
    });
  }
});
