import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailBackend } from '@mail/backend-file';
import { runBackendConformance, splitMessages } from '@mail/testing/conformance';
import { afterAll } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'mail-file-conformance-'));
let dir = join(root, '0');
let generation = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

runBackendConformance({
  name: 'file',
  create: () => new EmailBackend({ filePath: dir }),
  mailbox: {
    // Sessions in order: the last number of a file name counts this process's sessions.
    read: () =>
      readdirSync(dir)
        .sort((a, b) => counter(a) - counter(b))
        .flatMap((file) => splitMessages(readFileSync(join(dir, file))).map((raw) => ({ raw }))),
    flush: () => {
      dir = join(root, String(++generation));
      mkdirSync(dir, { recursive: true });
    },
  },
});

function counter(file: string): number {
  return Number(/-(\d+)\.log$/.exec(file)?.[1]);
}
