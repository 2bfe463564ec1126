import type { AddressInfo } from 'node:net';
import { EmailBackend } from '@mail/backend-smtp';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { message, rejectionOf } from './helpers.js';

/**
 * A server without PIPELINING (the fixture always offers it), so the backend takes its other
 * path: nodemailer's send(), one command at a time. Refuses `refused@…` recipients and the
 * sender `blocked@…`.
 */
async function startPlainServer() {
  const received: { rcptTo: string[]; parsed: ParsedMail; session: string }[] = [];
  let connections = 0;
  const server = new SMTPServer({
    hidePIPELINING: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onMailFrom(address, _session, callback) {
      if (address.address.startsWith('blocked@'))
        callback(Object.assign(new Error('Sender blocked'), { responseCode: 550 }));
      else callback();
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('refused@'))
        callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), parsed, session: session.id });
        callback();
      }, callback);
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    options: { host: '127.0.0.1', port },
    received,
    get connections() {
      return connections;
    },
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('smtp backend against a server without PIPELINING', () => {
  it('delivers every message over one connection, bodies intact', async () => {
    await using server = await startPlainServer();
    const backend = new EmailBackend(server.options);
    await backend.open();
    const bodies = ['plain', 'a\n.\nb', '.starts with a dot', 'c\r.\rd'];
    expect(
      await backend.sendMessages(
        bodies.map((body, i) => message({ subject: `m${i}`, body, bcc: ['hidden@example.com'] })),
      ),
    ).toBe(4);
    await backend.close();
    expect(server.connections).toBe(1);
    expect(server.received.map((m) => m.parsed.subject)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(server.received[1]!.parsed.text).toContain('a\n.\nb');
    expect(server.received[0]!.rcptTo).toEqual(['to@example.com', 'hidden@example.com']);
    expect(server.received[0]!.parsed.headers.has('bcc')).toBe(false);
  });

  it('reports a recipient refused among accepted ones, and a refused sender, then goes on', async () => {
    await using server = await startPlainServer();
    const backend = new EmailBackend(server.options);
    await backend.open();
    const partial = message({ to: ['ok@example.com', 'refused@example.com'] });
    expect(await backend.sendMessages([partial])).toBe(1);
    expect(partial.delivery!.accepted).toEqual(['ok@example.com']);
    expect(partial.delivery!.rejected).toEqual([
      { address: 'refused@example.com', code: 550, response: expect.stringMatching(/^550 /) },
    ]);
    expect(partial.delivery!.response).toMatch(/^250 /);
    const sender = await rejectionOf(backend.sendMessages([message({ fromEmail: 'blocked@example.com' })]));
    expect(sender.responseCode).toBe(550);
    expect(sender.command).toBe('MAIL FROM');
    expect(await backend.sendMessages([message({ subject: 'after' })])).toBe(1);
    expect(server.connections).toBe(1);
    await backend.close();
  });

  it('with failSilently counts only what was delivered', async () => {
    await using server = await startPlainServer();
    const backend = new EmailBackend({ ...server.options, failSilently: true });
    const batch = [
      message(),
      message({ to: ['refused@example.com'] }),
      message({ fromEmail: 'blocked@example.com' }),
      message(),
    ];
    expect(await backend.sendMessages(batch)).toBe(2);
  });
});
