import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailBackend } from '@mail/backend-file';
import { EmailMessage } from '@mail/core';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mail-file-backend-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file backend on a real directory', () => {
  it('writes messages that parse back, with CRLF line endings, one file per session', async () => {
    const target = join(dir, 'nested', 'out');
    const backend = new EmailBackend({ filePath: target });
    const m = new EmailMessage({
      subject: 'Réunion',
      body: 'Hello\nZoë',
      fromEmail: 'from@example.com',
      to: ['to@example.com'],
    });
    m.attach('data.bin', Buffer.from([0, 1, 2, 255]), 'application/octet-stream');
    expect(await backend.sendMessages([m, m])).toBe(2);
    await backend.sendMessages([m]);
    const files = (await readdir(target)).sort();
    expect(files).toHaveLength(2);
    const content = await readFile(join(target, files[0]!), 'utf8');
    const parts = content.split(/\r\n-{79}\r\n/);
    expect(parts.pop()).toBe('');
    expect(parts).toHaveLength(2);
    expect(content.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const parsed = await simpleParser(parts[0]!);
    expect(parsed.subject).toBe('Réunion');
    expect(parsed.attachments[0]?.content).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('refuses an existing file as the path, naming it', async () => {
    const file = join(dir, 'file.txt');
    await writeFile(file, 'x');
    expect(() => new EmailBackend({ filePath: file })).toThrow(file);
  });
});
