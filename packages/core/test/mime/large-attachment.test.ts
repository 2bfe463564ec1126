// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
/**
 * Attachments over 1 MB are base64-encoded straight into the message's buffer when it is
 * written: the octets must be those of the string path, whichever way the message is read.
 */
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { wrap as nodemailerWrap } from 'nodemailer/lib/base64';
import { describe, expect, it } from 'vitest';
import { EmailMessage } from '../../src/message/email-message.js';
import type { BuiltMessage } from '../../src/mime/built-message.js';

function invoice(bytes: Buffer, body = 'Your invoice.') {
  const m = new EmailMessage({ subject: 'Invoice', body, fromEmail: 'a@example.com', to: ['b@example.org'] });
  m.attach('invoice.pdf', bytes, 'application/pdf');
  return m;
}

async function streamed(built: BuiltMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of built.stream()) parts.push(piece as Buffer);
  return Buffer.concat(parts);
}

describe('an attachment over 1 MB', () => {
  it('is the same base64 lines as nodemailer writes, in asBytes(), stream() and byteLength()', async () => {
    for (const size of [(1 << 20) + 1, 2 * 1024 * 1024, 57 * 512 * 40 + 7]) {
      const bytes = randomBytes(size);
      const built = invoice(bytes).message() as BuiltMessage;
      const wire = await built.asBytes();
      expect(wire.toString('latin1')).toContain(`\r\n\r\n${nodemailerWrap(bytes.toString('base64'), 76)}\r\n--`);
      expect((await streamed(built)).equals(wire)).toBe(true);
      expect(await built.byteLength()).toBe(wire.length);
      expect(built.isInMemory).toBe(true);
      const parsed = await simpleParser(wire);
      expect(parsed.attachments[0].content.equals(bytes)).toBe(true);
      // RFC 2045 §6.8: lines of at most 76 characters
      expect(
        wire
          .toString('latin1')
          .split('\r\n')
          .every((line) => line.length <= 998),
      ).toBe(true);
    }
  });

  it('beside non-ASCII text, and inside an attached message (which stays 7bit)', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const inner = invoice(bytes, 'Grüße');
    const wire = await inner.message().asBytes();
    expect((await simpleParser(wire)).attachments[0].content.equals(bytes)).toBe(true);
    const outer = new EmailMessage({
      subject: 'Fwd',
      body: 'see attached',
      fromEmail: 'a@example.com',
      to: ['c@example.org'],
    });
    outer.attach(invoice(bytes));
    const forwarded = (await outer.message().asBytes()).toString('latin1');
    expect(forwarded).toMatch(/Content-Type: message\/rfc822\r\n(Content-Transfer-Encoding: 7bit\r\n)?/);
    expect(forwarded).not.toContain('Content-Transfer-Encoding: 8bit');
    expect(forwarded).toContain(nodemailerWrap(bytes.toString('base64'), 76).slice(0, 10_000));
  });
});
