import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const demo = fileURLToPath(new URL('../demo.mjs', import.meta.url));

describe('the README demo (`pnpm demo`)', () => {
  it('sends one message with an HTML alternative and two attachments over STARTTLS + AUTH, and shows what arrived', async () => {
    const { stdout, stderr } = await run(process.execPath, [demo], { timeout: 30_000 });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/sent: 1 message\(s\); the server received 1, \d+ bytes/);
    expect(stdout).toContain('STARTTLS required, AUTH required');
    // Envelope: Bcc included, IDN domain as an A-label.
    expect(stdout).toMatch(/RCPT TO: +second@example\.net, user@xn--bcher-kva\.example, archive@example\.org/);
    expect(stdout).toContain('Bcc header present: false');
    expect(stdout).toContain('Subject: Réunion n°1 — ordre du jour');
    expect(stdout).toContain('<p>Hello <b>Zoë</b>,</p>');
    expect(stdout).toMatch(/agenda\.txt +text\/plain/);
    expect(stdout).toMatch(/données\.bin +application\/octet-stream/);
    // Raw headers are printed without stray carriage returns and are encoded on the wire.
    expect(stdout).not.toContain('\r');
    expect(stdout).toContain('Subject: =?UTF-8?Q?R=C3=A9union');
  });
});
