// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
/**
 * What the SMTP backend relies on from a built message (BuiltMessage#crlf): every line break of
 * the wire form is CRLF, whatever line endings the input used, so the backend only dot-stuffs it.
 * Also the charset guard that keeps that true, and the reuse of an attachment's base64.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BadHeaderError, ConfigurationError } from '../../src/errors.js';
import { EmailMessage } from '../../src/message/email-message.js';
import { EmailMultiAlternatives } from '../../src/message/email-multi-alternatives.js';
import type { BuiltMessage } from '../../src/mime/built-message.js';
import { base64Lines, wrapBase64 } from '../../src/mime/encode-body.js';
import { configure, resetSettings } from '../../src/settings.js';
import { fcParams, runs } from '../security/support/fc-params.js';
import { isolateSettings } from '../support/env.js';

isolateSettings(resetSettings);

const dir = mkdtempSync(join(tmpdir(), 'mail-built-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Offsets of bare CR and bare LF in the bytes (empty when every line break is CRLF). */
function bareLineBreaks(raw: Buffer): number[] {
  const bad: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x0a && raw[i - 1] !== 0x0d) bad.push(i);
    if (raw[i] === 0x0d && raw[i + 1] !== 0x0a) bad.push(i);
  }
  return bad;
}

async function streamed(mime: BuiltMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of mime.stream()) parts.push(piece as Buffer);
  return Buffer.concat(parts);
}

/**
 * The built message, checked: marked CRLF, and its wire forms really are (`stream()` only when
 * it holds a readable stream, which can be read once).
 */
async function expectCrlf(message: EmailMessage, { readOnce = false } = {}): Promise<Buffer> {
  const mime = message.message() as BuiltMessage;
  expect(mime.crlf).toBe(true);
  const raw = await streamed(mime);
  expect(bareLineBreaks(raw), 'bare CR or LF in stream()').toEqual([]);
  if (!readOnce) {
    const bytes = await mime.asBytes();
    expect(bareLineBreaks(bytes), 'bare CR or LF in asBytes()').toEqual([]);
    expect(bytes.equals(raw), 'asBytes() and stream() agree').toBe(true);
  }
  return raw;
}

const EOL = fc.constantFrom('\r\n', '\n', '\r', '\r\r\n', '\n\r');
const line = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('.', '..', '.x', 'From x', '=', 'é'.repeat(400), 'x'.repeat(1200)),
);
const body = fc.array(fc.tuple(line, EOL), { maxLength: 6 }).map((lines) => lines.map(([l, e]) => l + e).join(''));

describe('BuiltMessage#crlf: the builder writes CRLF line breaks only', () => {
  it('for generated bodies, alternatives and attachments with any line endings', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        body,
        body,
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('utf-8', 'iso-8859-1', 'us-ascii'),
        async (text, html, attached, bytes, charset) => {
          const message = new EmailMultiAlternatives({
            subject: 'Dots',
            body: text,
            fromEmail: 'from@example.com',
            to: ['to@example.com'],
          });
          message.encoding = charset;
          if (html) message.attachAlternative(html, 'text/html');
          message.attach('notes.txt', attached, 'text/plain');
          message.attach('data.bin', bytes, 'application/octet-stream');
          message.attach('bytes.txt', Buffer.from(attached), 'text/plain');
          message.attach('embedded.eml', `Subject: inner\n\n${attached}`, 'message/rfc822');
          await expectCrlf(message);
        },
      ),
      fcParams(runs(300)),
    );
  });

  it('with attachFile and stream content (streamed at send time), an embedded message and an inline part', async () => {
    const path = join(dir, 'lines.txt');
    writeFileSync(path, 'a\nb\rc\r\n.\n');
    const inner = new EmailMessage({
      subject: 'inner',
      body: 'x\ny\r.\r',
      fromEmail: 'a@example.com',
      to: ['b@example.com'],
    });
    inner.attachFile(path);
    const message = new EmailMultiAlternatives({
      subject: 'Outer',
      body: 'one\rtwo\nthree',
      fromEmail: 'from@example.com',
      to: ['to@example.com'],
    });
    message.attachAlternative('<p>a\nb</p>', 'text/html');
    message.attachFile(path, 'application/octet-stream');
    message.attach(inner);
    message.attach({
      content: Readable.from([Buffer.from('r\ns\r')]),
      contentType: 'application/octet-stream',
      filename: 's.bin',
    });
    message.attach({
      content: Buffer.from('\x89PNG\r\n\x1a\n'),
      contentType: 'image/png',
      filename: 'logo.png',
      disposition: 'inline',
      contentId: 'logo',
    });
    const raw = await expectCrlf(message, { readOnce: true });
    expect(raw.toString('latin1')).toContain('Subject: inner');
  });
});

describe('the charset guard (the charset goes into Content-Type)', () => {
  it('refuses a line break in the encoding property: it would inject a header and a bare LF', () => {
    for (const encoding of ['utf-8"\r\nBcc: evil@attacker.example\r\nX: "', 'utf-8\n', 'utf-8\u2028']) {
      const message = new EmailMessage({ subject: 's', body: 'hi', fromEmail: 'a@example.com', to: ['b@example.com'] });
      message.encoding = encoding;
      expect(() => message.message()).toThrow(BadHeaderError);
    }
  });

  it('refuses a name that is not a charset, from the property or the setting', () => {
    const message = new EmailMessage({ subject: 's', body: 'hi', fromEmail: 'a@example.com', to: ['b@example.com'] });
    message.encoding = 'utf-8"; x="y';
    expect(() => message.message()).toThrow(ConfigurationError);
    configure({ defaultCharset: 'utf 8' });
    expect(() =>
      new EmailMessage({ subject: 's', body: 'hi', fromEmail: 'a@example.com', to: ['b@example.com'] }).message(),
    ).toThrow(ConfigurationError);
  });

  it('accepts charset names', async () => {
    for (const encoding of ['utf-8', 'UTF-8', 'iso-8859-1', 'us-ascii', 'windows-1252']) {
      const message = new EmailMessage({
        subject: 's',
        body: 'plain ascii',
        fromEmail: 'a@example.com',
        to: ['b@example.com'],
      });
      message.encoding = encoding;
      const raw = (await message.message().asBytes()).toString('latin1');
      expect(raw).toContain(`charset="${encoding}"`);
    }
  });
});

describe('base64Lines: the base64 of an attachment attached again is reused', () => {
  const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, k) => (k * 31 + seed) % 256));

  it('gives the same lines as wrapBase64, from the cache or not, for Buffers and other Uint8Arrays', () => {
    for (const n of [0, 10, 1023, 1024, 4000, 20_480]) {
      const b = bytes(n, 7);
      expect(base64Lines(b)).toBe(wrapBase64(b));
      expect(base64Lines(b)).toBe(wrapBase64(b));
      const view = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      expect(base64Lines(view)).toBe(wrapBase64(b));
    }
  });

  it('encodes again a buffer changed in place; a message built before keeps the bytes it was built with', async () => {
    const data = bytes(8192, 3);
    const make = () => {
      const m = new EmailMessage({ subject: 's', body: 'b', fromEmail: 'a@example.com', to: ['b@example.com'] });
      m.attach('d.bin', data, 'application/octet-stream');
      return m.message();
    };
    make(); // seen once: the next build caches its base64
    const first = make();
    const before = await first.asBytes();
    data[100] ^= 0xff;
    const second = make();
    expect(base64Lines(data)).toBe(wrapBase64(data));
    expect((await second.asBytes()).toString('latin1')).toContain(wrapBase64(data).slice(0, 200));
    expect((await first.asBytes()).equals(before)).toBe(true);
    expect((await second.asBytes()).equals(before)).toBe(false);
  });

  it('stays right as entries come and go (at most 4 MB is held)', () => {
    const many = [
      ...Array.from({ length: 40 }, (_, i) => bytes(2048, i)),
      ...Array.from({ length: 5 }, (_, i) => bytes(1 << 20, i)),
    ];
    for (let round = 0; round < 2; round++) for (const b of many) expect(base64Lines(b)).toBe(wrapBase64(b));
    // Over 1 MB: never cached, always right.
    const big = bytes((1 << 20) + 1, 9);
    expect(base64Lines(big)).toBe(wrapBase64(big));
  });
});

describe('byteLength() (read by the SMTP backend for SIZE, RFC 1870)', () => {
  it('equals the length of asBytes(), with files measured instead of read', async () => {
    for (const [i, size] of [0, 1, 56, 57, 58, 4096, 100_001].entries()) {
      const path = join(dir, `size-${i}.bin`);
      writeFileSync(path, Buffer.alloc(size, i));
      const m = new EmailMessage({ subject: 'Zoë', body: 'Grüße\n'.repeat(i + 1), to: ['a@example.com'] });
      m.attach('note.txt', 'plain ascii');
      m.attachFile(path);
      const built = m.message() as BuiltMessage;
      expect(await built.byteLength()).toBe((await built.asBytes()).length);
    }
  });

  it('an in-memory message: the same as asBytes()', async () => {
    const built = new EmailMessage({
      subject: 'x',
      body: 'ASCII only',
      to: ['a@example.com'],
    }).message() as BuiltMessage;
    expect(await built.byteLength()).toBe((await built.asBytes()).length);
  });

  it('a part whose content is a readable stream cannot say: null', async () => {
    const m = new EmailMessage({ subject: 'x', body: 'b', to: ['a@example.com'] });
    m.attach({
      contentType: 'application/octet-stream',
      filename: 'x.bin',
      content: Readable.from([Buffer.from('x')]),
    });
    expect(await (m.message() as BuiltMessage).byteLength()).toBeNull();
  });
});
