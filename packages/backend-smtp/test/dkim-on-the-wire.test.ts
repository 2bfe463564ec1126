/**
 * DKIM over SMTP: what the fixture received (dot-stuffing undone by the server) verifies with
 * mailauth and python3-dkim, for messages full of lines starting with '.', in memory and
 * streamed from a file, one key and two.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailBackend } from '@mail/backend-smtp';
import { startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import {
  dkimOption,
  dkimpyVerdicts,
  ed25519Key,
  hasDkimpy,
  mailauthVerdicts,
  rsaKey,
} from '../../core/test/dkim/verifiers.js';
import { message, richMessage } from './helpers.js';

const RSA = rsaKey('wire');
const ED = ed25519Key('wire-ed');
const DOTTY = '.first line is a dot line\n..two\n.\n. space\nnormal\n.\n\n\n';

async function expectVerified(raw: Buffer, keys: (typeof RSA)[]) {
  expect(await mailauthVerdicts(raw, keys)).toEqual(keys.map(() => 'pass'));
  if (hasDkimpy) expect(dkimpyVerdicts(raw, keys)).toEqual(keys.map(() => true));
}

describe('smtp backend with dkim', () => {
  it('signed messages arrive verifiable, dot-stuffed lines included', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend({ ...smtp.backendOptions(), dkim: [dkimOption(RSA), dkimOption(ED)] });
    const rich = richMessage(1);
    rich.body = DOTTY;
    rich.attach('dots.txt', DOTTY, 'text/plain');
    const batch = [
      message({ body: DOTTY }),
      rich,
      message({ subject: `Ünïcode — ${'long '.repeat(30)}`, body: 'no final line break, trailing WSP \t ' }),
    ];
    expect(await backend.sendMessages(batch)).toBe(batch.length);
    expect(smtp.messages).toHaveLength(batch.length);
    for (const received of smtp.messages) {
      expect(received.raw.toString('latin1')).toMatch(
        /^DKIM-Signature: v=1; a=rsa-sha256;[\s\S]*\r\nDKIM-Signature: v=1; a=ed25519-sha256;/,
      );
      await expectVerified(received.raw, [RSA, ED]);
    }
    expect(smtp.messages[0].parsed.text).toContain('\n..two\n');
  });

  it('a file attachment is streamed: hashed on a first read, sent on a second, verifiable', async () => {
    await using smtp = await startSmtpServer();
    const dir = mkdtempSync(join(tmpdir(), 'dkim-wire-'));
    const file = join(dir, 'data.bin');
    writeFileSync(file, Buffer.from(Array.from({ length: 400_000 }, (_, k) => (k * 13 + 5) % 256)));
    const m = richMessage(2);
    m.attachFile(file);
    const backend = new EmailBackend({
      ...smtp.backendOptions(),
      dkim: dkimOption(RSA, { canonicalization: 'simple/simple' }),
    });
    expect(await backend.sendMessages([m])).toBe(1);
    await expectVerified(smtp.messages[0].raw, [RSA]);
    expect(smtp.messages[0].parsed.attachments.find((a) => a.filename === 'data.bin')?.size).toBe(400_000);
  });

  it('a mailer entry takes dkim in its options', async () => {
    await using smtp = await startSmtpServer();
    const { configure, resetSettings, mailers } = await import('@mail/core');
    configure({
      mailers: {
        default: { backend: 'dummy' },
        signed: { backend: 'smtp', options: { ...smtp.backendOptions(), dkim: dkimOption(ED) } },
      },
    });
    try {
      const backend = await mailers.get('signed');
      expect(await backend.sendMessages([message()])).toBe(1);
      await expectVerified(smtp.messages[0].raw, [ED]);
    } finally {
      resetSettings();
    }
  });
});
