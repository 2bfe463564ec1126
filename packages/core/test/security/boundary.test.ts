import { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { textLeaf } from '../../src/mime/content-leaf.js';
import { multipart, settleBoundaries } from '../../src/mime/mime-tree.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const boundariesOf = (raw: string) => [...raw.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]!);

function withAttachment(text: string, html?: string): EmailMessage {
  const msg = new EmailMultiAlternatives({
    subject: 'Your upload',
    body: 'See the attached file.',
    fromEmail: 'app@example.com',
    to: ['victim@example.com'],
  });
  if (html !== undefined) msg.attachAlternative(html, 'text/html');
  msg.attach('upload.txt', text, 'text/plain');
  return msg;
}

/** A text that closes a part with `boundary` and adds an HTML part and an executable of its own. */
function injection(boundary: string): string {
  return [
    'harmless first line',
    `--${boundary}`,
    'Content-Type: text/html; charset="utf-8"',
    '',
    '<p>Your account is locked, <a href="https://evil.example">log in here</a></p>',
    `--${boundary}`,
    'Content-Type: application/x-msdownload; name="invoice.exe"',
    'Content-Disposition: attachment; filename="invoice.exe"',
    'Content-Transfer-Encoding: base64',
    '',
    'TVqQAAMAAAAEAAAA',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

describe('multipart boundaries cannot be predicted', () => {
  it('a boundary owes nothing to the Message-ID, nor to the boundary before it', async () => {
    const seen = new Set<string>();
    let previous = '';
    for (let i = 0; i < 300; i++) {
      const raw = (await withAttachment(`file ${i}`, '<p>x</p>').message().asBytes()).toString();
      const id = /^Message-ID: <([^@>]+)@/m.exec(raw)![1]!;
      for (const boundary of boundariesOf(raw)) {
        expect(boundary).toMatch(/^=_[0-9a-f]{32}$/);
        expect(seen.has(boundary)).toBe(false);
        seen.add(boundary);
        // Nothing of the Message-ID (time, counter, per-process tag) is in it.
        for (const piece of id.split('.')) if (piece.length >= 4) expect(boundary).not.toContain(piece);
        // Consecutive boundaries differ in about half their 128 bits, not in a counter's last digits.
        if (previous) {
          let bits = 0;
          for (let k = 2; k < 34; k++) {
            let x = Number.parseInt(boundary[k]!, 16) ^ Number.parseInt(previous[k]!, 16);
            for (; x; x >>= 1) bits += x & 1;
          }
          expect(bits).toBeGreaterThan(32);
        }
        previous = boundary;
      }
    }
    expect(seen.size).toBe(600);
  });

  it('text made from one message boundaries (the same and the next ones guessed) injects nothing into the next', async () => {
    const first = (await withAttachment('hello', '<p>hi</p>').message().asBytes()).toString();
    const guesses = boundariesOf(first).flatMap((b) => {
      // The old scheme: a per-process tag and a counter in base 36.
      const m = /^(.*_)([0-9a-z]+)$/.exec(b);
      if (!m) return [b];
      const n = Number.parseInt(m[2]!, 36);
      return [b, ...Array.from({ length: 8 }, (_, k) => `${m[1]}${(n + k + 1).toString(36)}`)];
    });
    const upload = guesses.map(injection).join('\r\n');
    const raw = await withAttachment(upload, '<p>real</p>').message().asBytes();
    const parsed = await simpleParser(raw);
    expect(parsed.html).toBe('<p>real</p>');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['upload.txt']);
    expect(parsed.attachments[0]!.content.toString()).toBe(upload);
  });
});

describe('content that holds the boundary is never written as is', () => {
  it('a multipart whose 7bit part holds its delimiter gets a new boundary (settleBoundaries)', () => {
    const probe = multipart('mixed', []);
    const leaf = textLeaf(injection(probe.boundary), 'text/plain', 'utf-8');
    expect(leaf.transferEncoding).toBe('7bit');
    const tree = multipart('mixed', [textLeaf('body', 'text/plain', 'utf-8'), leaf]);
    const nested = multipart('alternative', [tree]);
    // Force the collision: both multiparts start with the boundary the content holds.
    for (const part of [tree, nested]) {
      part.boundary = probe.boundary;
      part.contentType = `multipart/${part.subtype}; boundary="${probe.boundary}"`;
    }
    settleBoundaries(nested);
    expect(tree.boundary).not.toBe(probe.boundary);
    expect(nested.boundary).not.toBe(probe.boundary);
    expect(nested.boundary).not.toBe(tree.boundary);
    expect(tree.contentType).toBe(`multipart/mixed; boundary="${tree.boundary}"`);
    expect(injection(probe.boundary)).not.toContain(`--${tree.boundary}`);
  });

  it.each([
    ['a 7bit body', (t: string) => new EmailMessage({ body: t, attachments: [['a.bin', Buffer.from([1, 2]), null]] })],
    [
      'an 8bit-looking html alternative',
      (t: string) => {
        const m = new EmailMultiAlternatives({ body: 'text' });
        m.attachAlternative(t, 'text/html');
        return m;
      },
    ],
    ['a text attachment', (t: string) => new EmailMessage({ body: 'b', attachments: [['u.txt', t, 'text/plain']] })],
    [
      'a raw message/rfc822',
      (t: string) =>
        new EmailMessage({ body: 'b', attachments: [['f.eml', `Subject: x\r\n\r\n${t}`, 'message/rfc822']] }),
    ],
  ])('%s holding boundary-shaped lines parses back as built', async (_label, make) => {
    // Every boundary-shaped line we can think of: ours, other libraries', and empty ones.
    const text = ['--=_', '--=_00000000000000000000000000000000', '------=_Part_0_1.2', '--', '--=_mail_x_1--'].join(
      '\r\n',
    );
    const msg = make(text);
    msg.fromEmail = 'a@example.com';
    msg.to = ['b@example.com'];
    const raw = (await msg.message().asBytes()).toString();
    for (const boundary of boundariesOf(raw)) expect(text).not.toContain(`--${boundary}`);
    const parsed = await simpleParser(raw);
    expect(parsed.attachments.length + (parsed.html ? 1 : 0)).toBeGreaterThanOrEqual(1);
  });
});
