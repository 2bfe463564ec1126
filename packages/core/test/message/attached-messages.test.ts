import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailMessage } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const message = (subject = 'outer') =>
  new EmailMessage({ subject, body: 'body', fromEmail: 'from@example.com', to: ['to@example.com'] });

describe('a message attached to itself', () => {
  it('directly: a TypeError that says so, not a stack overflow', () => {
    const msg = message();
    msg.attach(msg);
    expect(() => msg.message()).toThrow(TypeError);
    expect(() => msg.message()).toThrow(/attached to itself/);
  });

  it('through another message (A attaches B, B attaches A), and as a [filename, message] attachment', () => {
    const a = message('a');
    const b = message('b');
    a.attach(b);
    b.attach('a.eml', a, 'message/rfc822');
    expect(() => a.message()).toThrow(/attached to itself/);
    expect(() => b.message()).toThrow(/attached to itself/);
  });

  it('the same message attached twice, or nested without a cycle, still builds', async () => {
    const inner = message('inner');
    const middle = message('middle');
    middle.attach(inner);
    const outer = message();
    outer.attach(inner);
    outer.attach(middle);
    const text = (await outer.message().asBytes()).toString();
    expect(text.match(/Subject: inner/g)).toHaveLength(2);
    expect(() => outer.message()).not.toThrow();
  });
});

describe('attachFile of an .eml (Django attaches it as message/rfc822)', () => {
  it('is message/rfc822, embedded as it is, readable as a message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-eml-'));
    try {
      const path = join(dir, 'forwarded.eml');
      writeFileSync(path, 'Subject: Forwarded\nFrom: a@example.com\n\nThe forwarded text.\n');
      const msg = message();
      msg.attachFile(path);
      expect(msg.attachments[0]).toMatchObject({ filename: 'forwarded.eml', mimetype: 'message/rfc822' });
      const raw = (await msg.message().asBytes()).toString();
      expect(raw).toMatch(
        /Content-Type: message\/rfc822; name="forwarded.eml"\r\nContent-Transfer-Encoding: 7bit\r\nContent-Disposition: attachment; filename="forwarded.eml"/,
      );
      expect(raw).toContain('Subject: Forwarded\r\nFrom: a@example.com\r\n\r\nThe forwarded text.\r\n');
      const parsed = await simpleParser(raw);
      expect(parsed.attachments[0]!.contentType).toBe('message/rfc822');
      expect(parsed.attachments[0]!.content.toString()).toContain('The forwarded text.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('message/rfc822 given as text or bytes follows the wire rules', () => {
  const attached = async (content: string | Buffer) => {
    const msg = message();
    msg.attach('fwd.eml', content, 'message/rfc822');
    const raw = await msg.message().asBytes();
    const part = raw.toString('utf8').split(/\r\n--=_[0-9a-f]{32}/)[2]!;
    return { raw, part, parsed: await simpleParser(raw) };
  };
  const lines = (raw: Buffer) => raw.toString('latin1').split('\r\n');

  it('printable ASCII is 7bit; non-ASCII or control characters (ESC) are 8bit, never 7bit', async () => {
    expect((await attached('Subject: a\r\n\r\nplain\r\n')).part).toContain('Content-Transfer-Encoding: 7bit');
    const esc = await attached('Subject: a\r\n\r\nterminal \x1b[2J escape\r\n');
    expect(esc.part).toContain('Content-Transfer-Encoding: 8bit');
    expect(esc.part).toContain('\x1b[2J');
    expect((await attached('Subject: a\r\n\r\nZoë\r\n')).part).toContain('Content-Transfer-Encoding: 8bit');
  });

  it('a line over 998 octets or a NUL: base64, so no line passes 998 octets and no NUL is sent', async () => {
    for (const body of [`${'x'.repeat(5000)}`, 'nul \0 here']) {
      const inner = `Subject: long\r\n\r\n${body}\r\n`;
      const { raw, part, parsed } = await attached(inner);
      expect(part).toMatch(/Content-Type: message\/rfc822; name="fwd.eml"\r\nContent-Transfer-Encoding: base64/);
      for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(998);
      expect(raw.includes(0)).toBe(false);
      expect(parsed.attachments[0]!.content.toString()).toBe(inner);
    }
  });

  it('bytes that are not UTF-8 are a TypeError that says what to do (Django raises too), never U+FFFD', () => {
    const msg = message();
    msg.attach('fwd.eml', Buffer.from('Subject: caf\xe9\r\n\r\nbody\r\n', 'latin1'), 'message/rfc822');
    expect(() => msg.message()).toThrow(TypeError);
    expect(() => msg.message()).toThrow(/not UTF-8.*application\/octet-stream/);
    const ok = message();
    ok.attach('fwd.bin', Buffer.from('Subject: caf\xe9\r\n\r\nbody\r\n', 'latin1'), 'application/octet-stream');
    expect(() => ok.message()).not.toThrow();
  });

  it('UTF-8 bytes are 8bit with CRLF line ends', async () => {
    const { part } = await attached(Buffer.from('Subject: Zoë\n\nbody\n'));
    expect(part).toContain('Content-Transfer-Encoding: 8bit');
    expect(part).toContain('Subject: Zoë\r\n\r\nbody\r\n');
  });
});
