// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { randomBytes } from 'node:crypto';
import { wrap as nodemailerWrap } from 'nodemailer/lib/base64';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { makeBoundary } from '../../src/mime/boundary.js';
import {
  encodeTextBody,
  hasLongLine,
  toCrlf,
  wrapBase64,
  wrapBase64Bytes,
  wrappedBase64Length,
} from '../../src/mime/encode-body.js';
import { guessMimetype } from '../../src/mime/guess-type.js';
import { makeMessageId, messageIdDomain } from '../../src/mime/message-id.js';
import { formatDate } from '../../src/mime/wire-date.js';

describe('wrapBase64', () => {
  it('gives the same bytes as nodemailer base64.wrap for every length around the line size', () => {
    for (const size of [0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 1000, 20_480]) {
      const bytes = randomBytes(size);
      expect(wrapBase64(bytes), `size ${size}`).toBe(nodemailerWrap(bytes.toString('base64'), 76));
    }
  });

  it('wraps a Uint8Array view without copying the wrong bytes', () => {
    const backing = randomBytes(300);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 10, 200);
    expect(Buffer.from(wrapBase64(view).replace(/\r\n/g, ''), 'base64').equals(backing.subarray(10, 210))).toBe(true);
  });
});

describe('wrapBase64Bytes', () => {
  it('gives the octets of wrapBase64 for every length around a line and a block (512 lines)', () => {
    const block = 57 * 512;
    for (const size of [0, 1, 2, 3, 56, 57, 58, 114, 1000, block - 1, block, block + 1, block + 57, 3 * block + 5]) {
      const bytes = randomBytes(size);
      const out = wrapBase64Bytes(bytes);
      expect(out.toString('latin1'), `size ${size}`).toBe(nodemailerWrap(bytes.toString('base64'), 76));
      expect(out.length).toBe(wrappedBase64Length(size));
    }
  });

  it('reads a Uint8Array view at its offset', () => {
    const backing = randomBytes(100_000);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 3, 90_001);
    expect(wrapBase64Bytes(view).toString('latin1')).toBe(wrapBase64(backing.subarray(3, 90_004)));
  });
});

describe('encodeTextBody', () => {
  it('keeps printable ASCII with short lines as 7bit', () => {
    expect(encodeTextBody('Hello\nworld', 'utf-8')).toEqual({
      transferEncoding: '7bit',
      body: 'Hello\r\nworld',
      charset: 'utf-8',
    });
  });

  it('does not send control characters as 7bit', () => {
    expect(encodeTextBody('a\u0000b', 'utf-8').transferEncoding).toBe('quoted-printable');
  });

  it('encodes the same text the same way, cached or not', () => {
    const text = `Zoë ${'x'.repeat(400)}`;
    const first = encodeTextBody(text, 'utf-8');
    expect(encodeTextBody(`${text}`, 'utf-8')).toEqual(first);
    expect(encodeTextBody(text, 'iso-8859-1')).not.toEqual(first);
  });

  it('falls back to utf-8 when the charset cannot hold the text', () => {
    expect(encodeTextBody('日本語', 'iso-8859-1').charset).toBe('utf-8');
    expect(encodeTextBody('Zoë', 'us-ascii').charset).toBe('utf-8');
  });

  it('is a ConfigurationError for a charset it cannot encode to', () => {
    expect(() => encodeTextBody('Zoë', 'koi8-r')).toThrow(ConfigurationError);
  });
});

describe('line helpers', () => {
  it('turns LF, CR and CRLF into CRLF', () => {
    expect(toCrlf('a\nb\rc\r\nd\n\re')).toBe('a\r\nb\r\nc\r\nd\r\n\r\ne');
  });

  it('finds lines over 998 octets', () => {
    expect(hasLongLine(`${'a'.repeat(998)}\r\nb`)).toBe(false);
    expect(hasLongLine(`b\n${'a'.repeat(999)}`)).toBe(true);
  });
});

describe('dates, ids, boundaries, types', () => {
  it('formats RFC 5322 dates in UTC', () => {
    expect(formatDate(new Date(Date.UTC(2001, 10, 9, 1, 8, 47)))).toBe('Fri, 09 Nov 2001 01:08:47 +0000');
    expect(formatDate(new Date(0))).toBe('Thu, 01 Jan 1970 00:00:00 +0000');
  });

  it('makes unique Message-IDs on an ASCII host name', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => makeMessageId()));
    expect(ids.size).toBe(1000);
    expect(messageIdDomain()).toMatch(/^[A-Za-z0-9.-]+$/);
    expect([...ids][0]).toMatch(new RegExp(`^<[^<>@\\s]+@${messageIdDomain().replace(/\./g, '\\.')}>$`));
  });

  it('makes distinct boundaries of legal characters (RFC 2046 §5.1.1)', () => {
    const a = makeBoundary();
    expect(a).not.toBe(makeBoundary());
    expect(a).toMatch(/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/);
  });

  it('guesses mimetypes from extensions', () => {
    expect(guessMimetype('a.PDF')).toBe('application/pdf');
    expect(guessMimetype('a.png')).toBe('image/png');
    expect(guessMimetype('.hidden')).toBe('application/octet-stream');
    expect(guessMimetype(null)).toBe('application/octet-stream');
  });
});
