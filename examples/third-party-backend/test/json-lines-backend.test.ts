import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, EmailMessage, getConnection } from '@mail/core';
import { afterAll, expect, it } from 'vitest';
import { EmailBackend } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jsonl-backend-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('loads through getConnection() like a built-in backend and writes one line a message', async () => {
  const path = join(dir, 'out.jsonl');
  const connection = await getConnection(EmailBackend, { path });
  const message = new EmailMessage({
    subject: 'Hi',
    body: 'Hello',
    fromEmail: 'a@example.com',
    to: ['b@example.com'],
    bcc: ['c@example.com'],
  });
  expect(await connection.sendMessages([message, message])).toBe(2);
  const lines = (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ from: 'a@example.com', to: ['b@example.com', 'c@example.com'] });
});

it('refuses to start without a path', () => {
  expect(() => new EmailBackend()).toThrow(ConfigurationError);
});
