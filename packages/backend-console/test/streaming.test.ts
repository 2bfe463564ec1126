import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EmailBackend } from '@mail/backend-console';
import { EmailMessage } from '@mail/core';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let big: string;
let small: string;
const bigBytes = randomBytes(8 * 1024 * 1024);
const smallBytes = randomBytes(300 * 1024);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mail-console-stream-'));
  big = join(dir, 'big.bin');
  small = join(dir, 'small.bin');
  writeFileSync(big, bigBytes);
  writeFileSync(small, smallBytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A writable that records each write and finishes it after a short random delay. */
function recorder() {
  const writes: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      writes.push(Buffer.from(chunk));
      setTimeout(callback, Math.floor(Math.random() * 2));
    },
  });
  return { stream, writes, text: () => Buffer.concat(writes).toString('latin1') };
}

const withFile = (path: string, subject: string) => {
  const msg = new EmailMessage({ subject, body: 'see file', fromEmail: 'a@example.com', to: ['b@example.com'] });
  msg.attachFile(path);
  return msg;
};

describe('console backend: attachFile files are streamed, never held whole', () => {
  it('an 8 MB file goes out in chunks, none near its size, and arrives byte for byte', async () => {
    const out = recorder();
    expect(await new EmailBackend({ stream: out.stream }).sendMessages([withFile(big, 'big')])).toBe(1);
    // Held whole, the message would be one write of about 11 MB (the base64 of 8 MB).
    expect(out.writes.length).toBeGreaterThan(20);
    expect(Math.max(...out.writes.map((w) => w.length))).toBeLessThan(1024 * 1024);
    const text = out.text();
    expect(text.endsWith(`\r\n${'-'.repeat(79)}\r\n`)).toBe(true);
    const parsed = await simpleParser(Buffer.from(text.slice(0, -81), 'latin1'));
    expect(parsed.attachments[0]!.content.equals(bigBytes)).toBe(true);
  });

  it('concurrent streamed sends through two backends sharing a stream never interleave', async () => {
    const out = recorder();
    const a = new EmailBackend({ stream: out.stream });
    const b = new EmailBackend({ stream: out.stream });
    const sends = [];
    for (let i = 0; i < 6; i++) {
      const backend = i % 2 ? a : b;
      sends.push(
        backend.sendMessages([
          withFile(small, `file ${i}`),
          new EmailMessage({ subject: `mem ${i}`, body: 'x', to: ['c@example.com'] }),
        ]),
      );
    }
    expect(await Promise.all(sends)).toEqual(Array(6).fill(2));
    const messages = out.text().split(/\r\n-{79}\r\n/);
    expect(messages.pop()).toBe('');
    expect(messages).toHaveLength(12);
    const parsed = await Promise.all(messages.map((m) => simpleParser(Buffer.from(m, 'latin1'))));
    expect(new Set(parsed.map((p) => p.subject)).size).toBe(12);
    for (const p of parsed.filter((p) => p.subject!.startsWith('file'))) {
      expect(p.attachments[0]!.content.equals(smallBytes)).toBe(true);
    }
  });
});
