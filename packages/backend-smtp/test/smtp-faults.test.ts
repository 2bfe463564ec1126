import { type AddressInfo, createServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { eventsOf, message, rejectionOf } from './helpers.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Walk an error's cause chain. */
function causes(error: unknown): any[] {
  const out = [];
  for (let e: any = error; e; e = e.cause) out.push(e);
  return out;
}

describe('smtp backend: faults', () => {
  it('a refused connection is a transient SmtpError with ECONNREFUSED down the cause chain', async () => {
    const port = await closedPort();
    const error = await rejectionOf(new EmailBackend({ host: '127.0.0.1', port }).sendMessages([message()]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.name).toBe('SmtpError');
    expect(error.code).toBe('MAIL_SEND_FAILED');
    expect(error.transient).toBe(true);
    expect(error.sent).toBe(0);
    expect(causes(error).some((e) => e.code === 'ECONNREFUSED')).toBe(true);
    expect(inspect(error)).toContain('ECONNREFUSED');
    expect(error.message).toMatch(/host and port/);
    expect(
      await new EmailBackend({ host: '127.0.0.1', port, failSilently: true }).sendMessages([message(), message()]),
    ).toBe(0);
    // open() with failSilently resolves false, as Django's returns None.
    expect(await new EmailBackend({ host: '127.0.0.1', port, failSilently: true }).open()).toBe(false);
  });

  it('a refused sender is a permanent error with its reply code; the next message still goes', async () => {
    await using smtp = await startSmtpServer({
      faults: { rejectSender: { code: 550, message: 'Sender blocked', address: 'bad@example.com' } },
    });
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    const error = await rejectionOf(backend.sendMessages([message({ fromEmail: 'bad@example.com' })]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.responseCode).toBe(550);
    expect(error.transient).toBe(false);
    expect(error.command).toBe('MAIL FROM');
    expect(error.message).toContain('Sender blocked');
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(smtp.connections).toBe(1);
    await backend.close();
  });

  it('one refused recipient among several: sent (as Django counts it), the refusal in message.delivery, the batch goes on', async () => {
    await using smtp = await startSmtpServer({
      faults: { rejectRecipients: { 'gone@example.com': { code: 550, message: '5.1.1 User unknown' } } },
    });
    const backend = new EmailBackend(smtp.backendOptions());
    const partial = message({ to: ['a@example.com', 'gone@example.com', 'b@example.com'] });
    const next = message({ subject: 'next' });
    expect(await backend.sendMessages([partial, next])).toBe(2);
    expect(partial.delivery).toEqual({
      messageId: partial.delivery!.messageId,
      accepted: ['a@example.com', 'b@example.com'],
      rejected: [{ address: 'gone@example.com', code: 550, response: '550 5.1.1 User unknown' }],
      response: `250 OK: queued as ${smtp.messages[0]!.queueId}`,
      mailer: null,
      backend: 'smtp',
      attempts: 1,
    });
    expect(partial.delivery!.messageId).toBe(smtp.messages[0]!.parsed.messageId);
    // The server did take it for the others, once; the batch went on.
    expect(smtp.messages[0]!.envelope.rcptTo).toEqual(['a@example.com', 'b@example.com']);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Hi', 'next']);
    expect(next.delivery!.rejected).toEqual([]);
  });

  it('a recipient refused with 4xx among accepted ones: sent, the 451 in the report', async () => {
    await using smtp = await startSmtpServer({ faults: { rejectRecipients: { 'later@example.com': 451 } } });
    const sent = message({ to: ['later@example.com', 'x@example.com'] });
    expect(await new EmailBackend(smtp.backendOptions()).sendMessages([sent])).toBe(1);
    expect(sent.delivery!.rejected).toEqual([
      { address: 'later@example.com', code: 451, response: '451 Recipient rejected' },
    ]);
    expect(sent.delivery!.accepted).toEqual(['x@example.com']);
  });

  it('a sender refused at RCPT TO (Postfix smtpd_delay_reject) reads as a refused sender, not as refused recipients', async () => {
    await using smtp = await startSmtpServer({
      faults: { rejectSender: { code: 553, address: 'bad@example.com', at: 'rcpt' } },
    });
    const backend = new EmailBackend(smtp.backendOptions());
    const refused = message({ fromEmail: 'bad@example.com', to: ['a@example.com', 'b@example.com'] });
    const error = await rejectionOf(backend.sendMessages([refused]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.message).toMatch(/refused the sender <bad@example\.com> \(at RCPT TO\)/);
    expect(error.message).toContain('Sender address rejected');
    expect(error.command).toBe('RCPT TO');
    expect(error.rejected).toEqual([]);
    expect(error.responseCode).toBe(553);
    expect(refused.delivery).toMatchObject({ accepted: [], rejected: [], response: expect.stringMatching(/^553 /) });
    // The enhanced status X.1.7 / X.1.8 (RFC 3463: the sender's address) says the same in other words.
    smtp.faults = { rejectRecipients: { 'a@example.com': { code: 550, message: '5.1.8 Bad sender system address' } } };
    const bySender = await rejectionOf(backend.sendMessages([message({ to: ['a@example.com'] })]));
    expect(bySender.message).toMatch(/refused the sender <from@example\.com> \(at RCPT TO\)/);
    expect(bySender.rejected).toEqual([]);
    // A recipient refused for itself still reads as one.
    smtp.faults = { rejectRecipients: { 'a@example.com': 550 } };
    const error2 = await rejectionOf(backend.sendMessages([message({ to: ['a@example.com'] })]));
    expect(error2.rejected).toEqual(['a@example.com']);
    expect(error2.message).toMatch(/refused every recipient/);
  });

  it('all recipients refused: nothing sent, error with the reply code; the session goes on', async () => {
    await using smtp = await startSmtpServer({
      faults: { rejectRecipients: { 'x@example.com': 550, 'y@example.com': { code: 553, message: 'No such user' } } },
    });
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    const error = await rejectionOf(backend.sendMessages([message({ to: ['x@example.com', 'y@example.com'] })]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.rejected).toEqual(['x@example.com', 'y@example.com']);
    expect([550, 553]).toContain(error.responseCode);
    expect(error.transient).toBe(false);
    expect(smtp.messages).toHaveLength(0);
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(smtp.connections).toBe(1);
    await backend.close();
  });

  it.each([
    [451, true],
    [554, false],
  ])('a DATA failure %i is reported with its code (transient: %s); the next send works', async (code, transient) => {
    await using smtp = await startSmtpServer({
      faults: { failFirst: { count: 1, at: 'data', code, message: 'Content rejected' } },
    });
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    const error = await rejectionOf(backend.sendMessages([message({ subject: 'one' }), message({ subject: 'two' })]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.responseCode).toBe(code);
    expect(error.transient).toBe(transient);
    expect(error.command).toBe('DATA');
    expect(error.sent).toBe(0);
    expect(error.messageIndex).toBe(0);
    expect(error.message).toMatch(/Message 1 of 2/);
    expect(error.message).toContain('Content rejected');
    expect(await backend.sendMessages([message({ subject: 'three' })])).toBe(1);
    expect(smtp.messages.map((m) => m.parsed.subject)).not.toContain('one');
    await backend.close();
  });

  it('a message over the advertised SIZE is refused before its body, stopping the batch, counting what went before', async () => {
    await using smtp = await startSmtpServer({ size: 20_000 });
    const backend = new EmailBackend(smtp.backendOptions());
    const error = await rejectionOf(
      backend.sendMessages([
        message({ subject: 'small' }),
        message({ subject: 'big', body: 'x'.repeat(40_000) }),
        message(),
      ]),
    );
    // Refused here (RFC 1870 §6.1), not by the server after 40 kB went over the wire.
    expect(error.responseCode).toBeUndefined();
    expect(error.message).toMatch(/over the 20000 the SMTP server accepts/);
    expect(error.transient).toBe(false);
    expect(error.sent).toBe(1);
    expect(error.messageIndex).toBe(1);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['small']);
    // failSilently: skipped, the rest delivered.
    const silent = new EmailBackend({ ...smtp.backendOptions(), failSilently: true });
    expect(
      await silent.sendMessages([
        message({ subject: 'a' }),
        message({ subject: 'big', body: 'x'.repeat(40_000) }),
        message({ subject: 'c' }),
      ]),
    ).toBe(2);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['small', 'a', 'c']);
  });

  it('a connection dropped mid-DATA is transient, not counted, and the next message reconnects', async () => {
    await using smtp = await startSmtpServer({ faults: { dropAt: 'data' } });
    const backend = new EmailBackend({ ...smtp.backendOptions(), failSilently: true });
    await backend.open();
    const big = message({ body: 'x'.repeat(200_000) });
    expect(await backend.sendMessages([big])).toBe(0);
    expect(eventsOf(smtp.events, 'drop')).toHaveLength(1);
    smtp.faults.dropAt = undefined;
    expect(await backend.sendMessages([message({ subject: 'after the drop' })])).toBe(1);
    expect(smtp.connections).toBe(2);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['after the drop']);
    await backend.close();

    smtp.faults.dropAt = 'data';
    const error = await rejectionOf(new EmailBackend(smtp.backendOptions()).sendMessages([big]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.transient).toBe(true);
    expect(error.responseCode).toBeUndefined();
  });

  it('a connection dropped after the final "." and before its reply: failed, marked maybeDelivered (the server has it)', async () => {
    await using smtp = await startSmtpServer({
      faults: { failAt: [{ at: 'data', attempt: 2, drop: 'after-content' }] },
    });
    const batch = [message({ subject: 'one' }), message({ subject: 'two' }), message({ subject: 'three' })];
    const error = await rejectionOf(new EmailBackend(smtp.backendOptions()).sendMessages(batch));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.maybeDelivered).toBe(true);
    expect(error.messageIndex).toBe(1);
    expect(error.sent).toBe(1);
    expect(error.message).toMatch(/may have accepted it, so it is not sent again/);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['one', 'two']);
    // A drop before the end of the content is not such a case.
    smtp.faults = { dropAt: 'mail' };
    const early = await rejectionOf(new EmailBackend(smtp.backendOptions()).sendMessages([message()]));
    expect(early.maybeDelivered).toBe(false);
  });

  it('a connection dropped at MAIL on a fresh connection fails the message once, without a retry loop', async () => {
    await using smtp = await startSmtpServer({ faults: { dropAt: 'mail' } });
    const error = await rejectionOf(new EmailBackend(smtp.backendOptions()).sendMessages([message(), message()]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.transient).toBe(true);
    expect(error.sent).toBe(0);
    expect(smtp.connections).toBe(1);
    expect(smtp.messages).toHaveLength(0);
  });

  it('failSilently skips a failed message and delivers the rest, counting only those', async () => {
    await using smtp = await startSmtpServer({ faults: { rejectSender: { code: 550, address: 'bad@example.com' } } });
    const backend = new EmailBackend({ ...smtp.backendOptions(), failSilently: true });
    const batch = [
      message({ subject: '1' }),
      message({ subject: '2', fromEmail: 'bad@example.com' }),
      message({ subject: '3' }),
    ];
    expect(await backend.sendMessages(batch)).toBe(2);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['1', '3']);
  });

  it('421 mid-session: transient, and the next send reconnects', async () => {
    await using smtp = await startSmtpServer({
      faults: { failFirst: { count: 1, at: 'mail', code: 421, message: 'Shutting down' } },
    });
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    const error = await rejectionOf(backend.sendMessages([message()]));
    expect(error.responseCode).toBe(421);
    expect(error.transient).toBe(true);
    expect(await backend.sendMessages([message()])).toBe(1);
    await backend.close();
  });

  describe('timeouts', () => {
    /** A TCP server that accepts connections and never says a word. */
    async function silentServer() {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => {});
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        async [Symbol.asyncDispose]() {
          for (const socket of sockets) socket.destroy();
          await new Promise((resolve) => server.close(resolve));
        },
      };
    }

    it('a server that never greets: transient timeout error, after about `timeout` seconds', async () => {
      await using server = await silentServer();
      const error = await rejectionOf(
        new EmailBackend({ host: '127.0.0.1', port: server.port, timeout: 0.3 }).sendMessages([message()]),
      );
      expect(error).toBeInstanceOf(SmtpError);
      expect(error.transient).toBe(true);
      expect(causes(error).some((e) => e.code === 'ETIMEDOUT')).toBe(true);
      expect(error.message).toMatch(/timeout/i);
    });

    it('a server that stops answering after DATA: not counted, transient, and the next send reconnects', async () => {
      await using smtp = await startSmtpServer({ faults: { hangAt: 'data' } });
      const backend = new EmailBackend({ ...smtp.backendOptions(), timeout: 0.3 });
      await backend.open();
      const error = await rejectionOf(backend.sendMessages([message()]));
      expect(error.transient).toBe(true);
      expect(error.sent).toBe(0);
      smtp.faults.hangAt = undefined;
      expect(await backend.sendMessages([message({ subject: 'again' })])).toBe(1);
      expect(smtp.connections).toBe(2);
      await backend.close();
    });
  });

  it('a connection the server closed while idle is not reused: the next send reconnects', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    expect(await backend.sendMessages([message()])).toBe(1);
    // Cut every connection from the server side, as an idle timeout would.
    await smtp.close();
    await using second = await startSmtpServer();
    backend.port = second.port; // (same backend, new server: reconnecting must use the current options)
    expect(await backend.sendMessages([message({ subject: 'reconnected' })])).toBe(1);
    expect(second.messages.map((m) => m.parsed.subject)).toEqual(['reconnected']);
    await backend.close();
  });
});
