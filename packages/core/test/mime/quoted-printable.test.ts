// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { encode as nodemailerEncode, wrap as nodemailerWrap } from 'nodemailer/lib/qp';
import { describe, expect, it } from 'vitest';
import { encodeQuotedPrintable } from '../../src/mime/quoted-printable.js';

/** Text bytes as the builder gives them: every line break CRLF. */
const crlfText = (s: string) => Buffer.from(s.replace(/\r\n|\r|\n/g, '\r\n'), 'utf8');

/** RFC 2045 §6.7 decoding: soft breaks removed, then each "=XX" the octet it names. */
const decode = (encoded: string) =>
  Buffer.from(
    encoded
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );

function checkWire(encoded: string): void {
  for (const line of encoded.split('\r\n')) {
    expect(line.length).toBeLessThanOrEqual(76); // RFC 2045 §6.7 rule (5)
    expect(line).not.toMatch(/[ \t]$/); // rule (3): no trailing whitespace
    // rules (1), (2); a lone "=" only as the soft break at the end: an escape is never split
    expect(line).toMatch(/^(?:[\t\x20-\x3c\x3e-\x7e]|=[0-9A-F]{2})*=?$/);
  }
}

describe('encodeQuotedPrintable', () => {
  it('decodes to the octets given, as RFC 2045 decodes it, for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\t', '=', '\n', '日', '.', 'x'.repeat(80)) }),
        (s) => {
          const bytes = crlfText(s);
          const encoded = encodeQuotedPrintable(bytes);
          checkWire(encoded);
          expect(decode(encoded).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches nodemailer on text that needs no soft break', () => {
    for (const s of ['Firstname Sürname is a great guy.', 'a = b', 'tab\tend \r\nnext', 'Zoë\r\n', 'trailing ']) {
      const bytes = Buffer.from(s, 'utf8');
      expect(encodeQuotedPrintable(bytes)).toBe(nodemailerWrap(nodemailerEncode(bytes), 76));
    }
  });

  it('encodes control octets and random bytes, and keeps every line within 76', () => {
    const bytes = Buffer.concat([randomBytes(5000), Buffer.from('\r\n \r\n\t')]);
    const encoded = encodeQuotedPrintable(bytes);
    expect(decode(encoded).equals(bytes)).toBe(true);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('keeps lines within 76 with bare CRs (encoded, not line ends) anywhere', () => {
    for (let k = 70; k < 80; k++) {
      const bytes = Buffer.from(`${'a'.repeat(k)}\r${'b'.repeat(80)}\r\r\n \r`, 'latin1');
      const encoded = encodeQuotedPrintable(bytes);
      checkWire(encoded);
      expect(decode(encoded).equals(bytes)).toBe(true);
    }
  });

  it('uses column 76 only for the last character of a line', () => {
    const encoded = encodeQuotedPrintable(Buffer.from(`${'a'.repeat(76)}\r\n${'b'.repeat(77)}`));
    expect(encoded).toBe(`${'a'.repeat(76)}\r\n${'b'.repeat(75)}=\r\nbb`);
  });
});
