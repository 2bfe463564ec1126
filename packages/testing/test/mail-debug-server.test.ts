import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import nodemailer from 'nodemailer';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

// The command is spawned for real: its source is bundled once (dependencies stay external and
// resolve from this package's node_modules), so no prior `pnpm build` is needed.
const pkg = fileURLToPath(new URL('..', import.meta.url));
const script = `${pkg}node_modules/.cache/mail-debug-server-test-${process.pid}.mjs`;

beforeAll(async () => {
  await mkdir(`${pkg}node_modules/.cache`, { recursive: true });
  await build({
    entryPoints: [`${pkg}src/cli/mail-debug-server.ts`],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
});

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}
function run(...args: string[]): Run {
  const child = spawn(process.execPath, [script, ...args]);
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor(r: Run, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 500; i++) {
    const match = r.stdout().match(pattern);
    if (match) return match;
    if (r.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`output never matched ${pattern}; stdout: ${r.stdout()} stderr: ${r.stderr()}`);
}

describe('mail-debug-server', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = run('--help');
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toContain('Usage: mail-debug-server [--host 127.0.0.1] [--port 1025]');
  });

  it('prints each message with its envelope, headers and text, and stops cleanly on SIGINT', async () => {
    const r = run('--host', '127.0.0.1', '--port', '0');
    const [, port] = await waitFor(r, /listening on 127\.0\.0\.1:(\d+)/);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(port),
      ignoreTLS: true,
      auth: { user: 'dev', pass: 'pw-never-printed' },
    });
    await transport.sendMail({
      from: 'App <app@example.com>',
      to: 'ann@example.com',
      bcc: 'hidden@example.com',
      subject: 'Grüße',
      text: 'Hello from the app.\nSecond line.',
      html: '<p>Hello</p>',
      attachments: [{ filename: 'a.txt', content: 'attached' }],
    });
    transport.close();
    await waitFor(r, /END MESSAGE/);
    const out = r.stdout();
    expect(out).toContain('---------- MESSAGE FOLLOWS ----------');
    expect(out).toMatch(/^X-Peer: 127\.0\.0\.1$/m);
    expect(out).toContain('X-MailFrom: app@example.com');
    expect(out).toContain('X-RcptTo: ann@example.com, hidden@example.com');
    expect(out).toMatch(/^Subject: =\?UTF-8\?/im); // headers as received
    expect(out).toContain('Hello from the app.\nSecond line.');
    expect(out).toContain('[text/html alternative, ');
    expect(out).toContain('[attachment a.txt, text/plain, 8 bytes]');
    expect(out + r.stderr()).not.toContain('pw-never-printed');

    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toContain('mail-debug-server stopped.');
  });

  it('reports a port in use clearly and exits 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = run('--port', String(port));
      expect(await r.exit).toBe(1);
      expect(r.stderr()).toContain(
        `mail-debug-server: port ${port} on 127.0.0.1 is already in use. Stop the program using it, or pick another port with --port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad argument with the usage and exit code 1', async () => {
    const badPort = run('--port', 'abc');
    expect(await badPort.exit).toBe(1);
    expect(badPort.stderr()).toContain('--port must be a whole number from 0 to 65535, got "abc"');
    const unknown = run('--verbose');
    expect(await unknown.exit).toBe(1);
    expect(unknown.stderr()).toMatch(/Unknown option '--verbose'[\s\S]*Usage:/);
  });
});

describe('mail-debug-server --web', () => {
  it('serves the inbox and its API on the ports it prints, loopback only, until SIGINT', async () => {
    const r = run('--web', '--port', '0', '--web-port', '0', '--max', '3');
    const [, smtpPort] = await waitFor(r, /^smtp listening on 127\.0\.0\.1:(\d+)$/m);
    const [, url] = await waitFor(r, /^web listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    expect(r.stdout()).toContain('keeping the last 3 messages in memory');
    expect(r.stderr()).toBe('');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: Number(smtpPort), ignoreTLS: true });
    await transport.sendMail({ from: 'app@example.com', to: 'ann@example.com', subject: 'Via the CLI', text: 'hi' });
    transport.close();
    const list = (await (await fetch(`${url}/api/v1/messages`)).json()) as { messages: { Subject: string }[] };
    expect(list.messages.map((m) => m.Subject)).toEqual(['Via the CLI']);
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="/inbox.js"');
    expect((await fetch(`${url}/inbox.js`)).status).toBe(200);
    expect(r.stdout()).not.toContain('MESSAGE FOLLOWS'); // the console printing is off with --web
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
  });

  it('warns when --host is not loopback, and checks its flags', async () => {
    const open = run('--web', '--host', '0.0.0.0', '--port', '0', '--web-port', '0');
    await waitFor(open, /web listening on/);
    expect(open.stderr()).toContain('warning: listening on 0.0.0.0, not loopback');
    open.child.kill('SIGINT');
    expect(await open.exit).toBe(0);
    const badMax = run('--web', '--max', '0');
    expect(await badMax.exit).toBe(1);
    expect(badMax.stderr()).toContain('--max must be a whole number of at least 1, got "0"');
    const withoutWeb = run('--web-port', '9000');
    expect(await withoutWeb.exit).toBe(1);
    expect(withoutWeb.stderr()).toContain('--web-port and --max go with --web.');
  });
});
