/**
 * DKIM signatures checked by verifiers that are not our code (mailauth's and python3-dkim), over
 * the messages that break naive signers: non-ASCII and long folded headers, attachments,
 * alternatives, trailing blank lines, whitespace runs, lines starting with a dot.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { BytesBackend } from './support.js';
import { dkimOption, dkimpyVerdicts, ed25519Key, hasDkimpy, mailauthVerdicts, rsaKey } from './verifiers.js';

const RSA = rsaKey('rsa2048');
const ED = ed25519Key('ed1');

function plain() {
  return new EmailMessage({ subject: 'Hello', body: 'Hi there.\n', fromEmail: 'a@example.com', to: ['b@example.org'] });
}

function rich() {
  const m = new EmailMultiAlternatives({
    subject: `Réunion n°7 — ordre du jour ${'avec un sujet très long qui doit être plié '.repeat(4)}`,
    body: `Zoë,\n\n.a line starting with a dot\n..two dots\n.\nspaces   inside\tand tabs \t \ntrailing blank lines follow\n\n\n\n`,
    fromEmail: 'Zoë Ünïcode <zoe@example.com>',
    to: ['Второй <second@example.net>', 'user@example.org'],
    cc: ['Çé <cc@example.org>'],
    bcc: ['hidden@example.org'],
    replyTo: ['reply@example.com'],
    headers: { 'X-Long': `${'word '.repeat(40)}end`, References: '<a@x> <b@x> <c@x>' },
  });
  m.attachAlternative('<p>Hello <b>Zoë</b></p>\n\n\n', 'text/html');
  m.attach('report.bin', Buffer.from(Array.from({ length: 5000 }, (_, k) => (k * 31 + 7) % 256)));
  m.attach('notes.txt', 'line one   \n.dot line\n\n\n');
  return m;
}

async function signed(message: EmailMessage, dkim: unknown, read: 'asBytes' | 'stream' = 'asBytes') {
  const backend = new BytesBackend({ dkim, read });
  expect(await backend.sendMessages([message])).toBe(1);
  return backend.raw[0];
}

async function expectVerified(raw: Buffer, keys = [RSA], count = keys.length) {
  expect(await mailauthVerdicts(raw, keys)).toEqual(Array(count).fill('pass'));
  if (hasDkimpy) expect(dkimpyVerdicts(raw, keys)).toEqual(Array(count).fill(true));
}

describe('DKIM signatures verify with mailauth and python3-dkim', () => {
  it('plain message, RSA-2048', async () => {
    const raw = await signed(plain(), dkimOption(RSA));
    expect(raw.toString('latin1')).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.com;/);
    await expectVerified(raw);
  });

  it('plain message, Ed25519 (RFC 8463)', async () => {
    const raw = await signed(plain(), dkimOption(ED));
    expect(raw.toString('latin1')).toContain('a=ed25519-sha256');
    await expectVerified(raw, [ED]);
  });

  it('a list of keys gives one signature each, all valid', async () => {
    const raw = await signed(rich(), [dkimOption(RSA), dkimOption(ED)]);
    expect(raw.toString('latin1').match(/^DKIM-Signature:/gm)).toHaveLength(2);
    await expectVerified(raw, [RSA, ED]);
  });

  for (const canonicalization of ['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple']) {
    it(`rich message (non-ASCII, folded headers, attachments, alternatives, dots, blank lines): ${canonicalization}`, async () => {
      const raw = await signed(rich(), [dkimOption(RSA, { canonicalization }), dkimOption(ED, { canonicalization })]);
      await expectVerified(raw, [RSA, ED]);
    });
  }

  it('a body that is only blank lines, and an empty body', async () => {
    for (const body of ['\n\n\n', '', '   \n \t\n']) {
      for (const canonicalization of ['relaxed/relaxed', 'simple/simple']) {
        const m = new EmailMessage({ subject: 's', body, fromEmail: 'a@example.com', to: ['b@example.org'] });
        await expectVerified(await signed(m, dkimOption(RSA, { canonicalization })));
      }
    }
  });

  it('an attachFile message is hashed as it streams and sent identically (asBytes and stream)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
    const file = join(dir, 'big.bin');
    writeFileSync(file, Buffer.from(Array.from({ length: 300_000 }, (_, k) => (k * 7 + 3) % 251)));
    const m = rich();
    m.attachFile(file);
    const built = m.message();
    // The second read of the file gives the same octets as the first (what signing relies on).
    expect((await built.asBytes()).equals(await built.asBytes())).toBe(true);
    for (const read of ['asBytes', 'stream'] as const) {
      const raw = await signed(m, [dkimOption(RSA), dkimOption(ED, { canonicalization: 'simple/simple' })], read);
      await expectVerified(raw, [RSA, ED]);
    }
  });

  it('the verifiers catch a changed body or a changed signed header (they do check)', async () => {
    const raw = (await signed(rich(), dkimOption(RSA))).toString('latin1');
    const body = Buffer.from(raw.replace('two dots', 'two dotz'), 'latin1');
    const subject = Buffer.from(raw.replace('Subject: ', 'Subject: X'), 'latin1');
    for (const tampered of [body, subject]) {
      expect((await mailauthVerdicts(tampered, [RSA]))[0]).not.toBe('pass');
      if (hasDkimpy) expect(dkimpyVerdicts(tampered, [RSA])).toEqual([false]);
    }
  });

  it('headerFieldNames and skipFields choose what h= lists; From is always signed', async () => {
    const raw = await signed(
      rich(),
      dkimOption(RSA, { headerFieldNames: 'Subject:To:X-Long', skipFields: ['x-long'] }),
    );
    const h = /h=([^;]+);/.exec(raw.toString('latin1').replace(/\r\n\s+/g, ''))?.[1];
    expect(h?.split(':')).toEqual(['subject', 'to', 'from']);
    await expectVerified(raw);
  });
});
