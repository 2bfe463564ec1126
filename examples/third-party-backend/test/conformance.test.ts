import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackendConformance } from '@mail/testing/conformance';
import { afterAll } from 'vitest';
import { EmailBackend, type JsonLinesEntry } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jsonl-backend-'));
const path = join(dir, 'mail.jsonl');
afterAll(() => rm(dir, { recursive: true, force: true }));

// One call proves the backend: counting, envelope and Bcc, content, header guards, lifecycle,
// concurrency. The mailbox tells the suite how to read back what was delivered.
runBackendConformance({
  name: 'JSON Lines backend',
  create: () => new EmailBackend({ path }),
  mailbox: {
    read: async () => {
      const text = await readFile(path, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as JsonLinesEntry)
        .map((entry) => ({
          raw: Buffer.from(entry.raw, 'base64'),
          envelope: { mailFrom: entry.from, rcptTo: entry.to },
        }));
    },
    flush: () => rm(path, { force: true }),
  },
});
