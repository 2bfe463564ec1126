/**
 * Hostile or broken servers, on both send paths (PIPELINING offered, or not): a server that
 * trickles its replies, never advertises AUTH, puts terminal escapes in its replies, answers
 * DATA with 250, mixes codes in a multiline reply, advertises SIZE, or resets the connection.
 * Each is a raw TCP server on loopback that records every line the client sent.
 */
import { inspect } from 'node:util';
import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { describe, expect, it } from 'vitest';
import { message, rejectionOf } from '../helpers.js';
import { scriptedServer } from './scripted-server.js';

const PATHS = [
  { name: 'pipelined', extensions: ['PIPELINING', '8BITMIME'] },
  { name: 'one at a time', extensions: ['8BITMIME'] },
] as const;

function causes(error: unknown): { code?: string; message?: string }[] {
  const out: { code?: string; message?: string }[] = [];
  for (let e = error as { cause?: unknown } | undefined; e; e = e.cause as typeof e) out.push(e as never);
  return out;
}

describe.each(PATHS)('$name path', ({ extensions }) => {
  it('a server trickling a byte every 250 ms cannot keep a send pending past the timeout (reply to MAIL)', async () => {
    await using server = await scriptedServer({
      extensions: [...extensions],
      answer: (command) =>
        command === 'MAIL' ? (socket) => server.trickle(socket, `250 ${'o'.repeat(200)}\r\n`, 250) : undefined,
    });
    const started = Date.now();
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port, timeout: 1 }).sendMessages([message()]),
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.transient).toBe(true);
    expect(error.sent).toBe(0);
    expect(causes(error).some((e) => e.code === 'ETIMEDOUT')).toBe(true);
  });

  it('a server trickling its reply to the end of data: a timeout, not counted', async () => {
    await using server = await scriptedServer({
      extensions: [...extensions],
      answer: (command) =>
        command === 'DOT' ? (socket) => server.trickle(socket, `250 ${'o'.repeat(200)}\r\n`, 250) : undefined,
    });
    const started = Date.now();
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port, timeout: 1 }).sendMessages([message()]),
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error.sent).toBe(0);
    expect(error.transient).toBe(true);
  });

  it('with credentials and no AUTH advertised: a clear error, and no password sent', async () => {
    await using server = await scriptedServer({ extensions: [...extensions] });
    const backend = new EmailBackend({ host: server.host, port: server.port, username: 'u', password: 's3cret!' });
    const error = await rejectionOf(backend.sendMessages([message()]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.message).toMatch(/does not offer AUTH/);
    expect(error.message).toMatch(/no password was sent/i);
    expect(server.lines.some((line) => /^AUTH/i.test(line))).toBe(false);
    expect(server.lines.some((line) => /^MAIL/i.test(line))).toBe(false);
    const b64 = Buffer.from('\0u\0s3cret!').toString('base64');
    expect(server.lines.join('\n')).not.toContain(b64);
  });

  it('with credentials and AUTH advertised, AUTH happens (the check does not block real servers)', async () => {
    await using server = await scriptedServer({
      extensions: [...extensions, 'AUTH PLAIN LOGIN'],
      answer: (command) => (command === 'AUTH' ? '235 2.7.0 ok\r\n' : undefined),
    });
    const backend = new EmailBackend({ host: server.host, port: server.port, username: 'u', password: 'p' });
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(server.lines.some((line) => /^AUTH PLAIN/i.test(line))).toBe(true);
  });

  it('control characters in a server reply are escaped in SmtpError.message', async () => {
    const hostile = '550 5.1.1 \x1b]0;pwned\x07no such user\x1b[2J\x1b[H \u009b31m\r\n';
    await using server = await scriptedServer({
      extensions: [...extensions],
      answer: (command) => (command === 'RCPT' ? hostile : undefined),
    });
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port }).sendMessages([message()]),
    );
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.responseCode).toBe(550);
    expect(error.message).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(error.message).toContain('\\x1b]0;pwned\\x07no such user');
  });

  it('a mixed-code multiline reply (550- then 250) is a protocol error, never a delivery', async () => {
    await using server = await scriptedServer({
      extensions: [...extensions],
      answer: (command) => (command === 'DOT' ? '550-5.7.1 refused\r\n250 2.0.0 ok\r\n' : undefined),
    });
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port }).sendMessages([message()]),
    );
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.sent).toBe(0);
    expect(error.message).toMatch(/mix(es|ing) reply codes/);
    expect(causes(error).some((e) => e.code === 'EPROTOCOL')).toBe(true);
  });

  it('the reverse mix (250- then 550) is the same protocol error', async () => {
    await using server = await scriptedServer({
      extensions: [...extensions],
      answer: (command) => (command === 'DOT' ? '250-2.0.0 ok\r\n550 5.7.1 refused\r\n' : undefined),
    });
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port }).sendMessages([message()]),
    );
    expect(error.sent).toBe(0);
    expect(error.message).toMatch(/mix(es|ing) reply codes/);
  });

  it('SIZE advertised: SIZE= goes with MAIL FROM, and an over-limit message is refused before DATA', async () => {
    await using server = await scriptedServer({ extensions: [...extensions, 'SIZE 2000'] });
    const backend = new EmailBackend({ host: server.host, port: server.port });
    await backend.open();
    const small = message();
    expect(await backend.sendMessages([small])).toBe(1);
    const mail = server.commands().find((line) => /^MAIL FROM/i.test(line)) ?? '';
    const size = Number(/ SIZE=(\d+)/.exec(mail)?.[1]);
    expect(size).toBeGreaterThanOrEqual((await small.message().asBytes()).length);
    server.lines.length = 0;
    const big = message({ body: 'x'.repeat(50).concat('\n').repeat(100) });
    const error = await rejectionOf(backend.sendMessages([big]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.sent).toBe(0);
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/2000/);
    expect(server.lines.some((line) => /^(MAIL|DATA)/i.test(line))).toBe(false);
    expect(server.lines.some((line) => line.includes('xxxxx'))).toBe(false);
    // The session goes on: the next small message is delivered on the same connection.
    expect(await backend.sendMessages([message({ subject: 'after' })])).toBe(1);
    await backend.close();
  });

  it('SIZE advertised: a message streaming an attachFile file over the limit is refused before its body', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'mail-size-'));
    try {
      const file = join(dir, 'big.bin');
      await writeFile(file, Buffer.alloc(300_000, 7));
      await using server = await scriptedServer({ extensions: [...extensions, 'SIZE 100000'] });
      const m = message();
      m.attachFile(file);
      const error = await rejectionOf(new EmailBackend({ host: server.host, port: server.port }).sendMessages([m]));
      expect(error.sent).toBe(0);
      expect(error.message).toMatch(/100000/);
      expect(server.lines.some((line) => /^DATA/i.test(line))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('one at a time (no PIPELINING)', () => {
  it('anything but 354 to DATA ends the message with an error; the body is never sent', async () => {
    await using server = await scriptedServer({
      extensions: ['8BITMIME'],
      answer: (command) => (command === 'DATA' ? '250 ok, whatever\r\n' : undefined),
    });
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port }).sendMessages([message({ body: 'RCPT TO:<x@y>' })]),
    );
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.sent).toBe(0);
    expect(error.command).toBe('DATA');
    expect(server.lines.some((line) => /^Subject:|RCPT TO:<x@y>/.test(line))).toBe(false);
  });

  it('a connection reset after the content says the connection was reset, not that the message was refused', async () => {
    await using server = await scriptedServer({
      extensions: ['8BITMIME'],
      answer: (command) => (command === 'DOT' ? (socket) => socket.resetAndDestroy() : undefined),
    });
    const error = await rejectionOf(
      new EmailBackend({ host: server.host, port: server.port }).sendMessages([message()]),
    );
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.sent).toBe(0);
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/reset the connection/);
    expect(error.message).not.toMatch(/refused the message/);
    expect(causes(error).some((e) => e.code === 'ECONNRESET')).toBe(true);
  });
});

describe('connecting', () => {
  it('a server trickling its EHLO reply cannot keep open() pending past the timeout', async () => {
    await using server = await scriptedServer({
      answer: (command) =>
        command === 'EHLO'
          ? (socket) => server.trickle(socket, `250-${'x'.repeat(100)}\r\n250 PIPELINING\r\n`, 250)
          : undefined,
    });
    const started = Date.now();
    const error = await rejectionOf(new EmailBackend({ host: server.host, port: server.port, timeout: 1 }).open());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.transient).toBe(true);
    expect(causes(error).some((e) => e.code === 'ETIMEDOUT')).toBe(true);
  });

  it('a greeting with terminal escapes is escaped in the error', async () => {
    await using server = await scriptedServer({ greeting: '554 \x1b[2Jgo away\x1b]0;x\x07\r\n' });
    const error = await rejectionOf(new EmailBackend({ host: server.host, port: server.port }).open());
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.message).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(inspect(error)).not.toContain('\x1b');
  });
});
