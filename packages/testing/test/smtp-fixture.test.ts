import net from 'node:net';
import { inspect } from 'node:util';
import { getTestCertificate, type SmtpFixture, type SmtpFixtureOptions, startSmtpServer } from '@mail/testing';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';

const open: SmtpFixture[] = [];
async function start(options?: SmtpFixtureOptions): Promise<SmtpFixture> {
  const smtp = await startSmtpServer(options);
  open.push(smtp);
  return smtp;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((smtp) => smtp.close()));
});

/** A nodemailer transport pointed at the fixture; `extra` overrides. */
function client(smtp: SmtpFixture, extra: Record<string, unknown> = {}) {
  const o = smtp.backendOptions();
  return nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: Boolean(o.useSsl),
    requireTLS: Boolean(o.useTls),
    ignoreTLS: !o.useTls && !o.useSsl,
    ...(o.username ? { auth: { user: o.username, pass: o.password } } : {}),
    tls: o.tlsOptions ? { ca: o.tlsOptions.ca } : undefined,
    ...extra,
  } as never);
}

const mail = (over: Record<string, unknown> = {}) => ({
  from: 'Sender <from@example.com>',
  to: ['Ann <ann@example.com>', 'bob@example.com'],
  cc: 'carol@example.com',
  bcc: 'hidden@example.com',
  subject: 'Hello',
  text: 'Body text',
  ...over,
});

describe('startSmtpServer', () => {
  it('listens on 127.0.0.1 on a free port and records envelope, raw bytes and the parsed message', async () => {
    const smtp = await start();
    const other = await start();
    expect(smtp.host).toBe('127.0.0.1');
    expect(smtp.port).toBeGreaterThan(0);
    expect(other.port).not.toBe(smtp.port);

    await client(smtp).sendMail(mail());
    expect(smtp.messages).toHaveLength(1);
    const [received] = smtp.messages;
    expect(received.envelope.mailFrom).toBe('from@example.com');
    expect(received.envelope.rcptTo).toEqual([
      'ann@example.com',
      'bob@example.com',
      'carol@example.com',
      'hidden@example.com',
    ]);
    expect(received.raw.toString()).toMatch(/^Subject: Hello\r$/m);
    expect(received.parsed.subject).toBe('Hello');
    expect(received.parsed.text?.trim()).toBe('Body text');
    expect(received.secure).toBe(false);
    expect(smtp.connections).toBe(1);
    expect(other.messages).toHaveLength(0);
  });

  it('waitForMessages resolves once enough arrived and rejects listing what did arrive', async () => {
    const smtp = await start();
    const waiting = smtp.waitForMessages(2, { timeout: 5000 });
    const transport = client(smtp);
    await transport.sendMail(mail({ subject: 'one' }));
    await transport.sendMail(mail({ subject: 'two' }));
    expect((await waiting).map((m) => m.parsed.subject)).toEqual(['one', 'two']);

    const failure = smtp.waitForMessages(3, { timeout: 50 });
    await expect(failure).rejects.toThrow(/Expected 3 message\(s\) within 50 ms, got 2:\n.*"one"\n.*"two"/);
    smtp.clear();
    await expect(smtp.waitForMessages(1, { timeout: 20 })).rejects.toThrow(/got 0 \(no message arrived\)/);
    expect(smtp.messages).toEqual([]);
    expect(smtp.events).toEqual([]);
  });

  it('counts connections and gives the session id, so connection reuse is visible', async () => {
    const smtp = await start();
    const pooled = client(smtp, { pool: true, maxConnections: 1 });
    await Promise.all([pooled.sendMail(mail({ subject: 'a' })), pooled.sendMail(mail({ subject: 'b' }))]);
    pooled.close();
    expect(smtp.connections).toBe(1);
    expect(smtp.messages[0].session).toBe(smtp.messages[1].session);

    const single = client(smtp);
    await single.sendMail(mail());
    expect(smtp.connections).toBe(2);
    expect(smtp.messages[2].session).not.toBe(smtp.messages[0].session);
  });

  it('records SMTPUTF8 and 8BITMIME use from MAIL FROM', async () => {
    const smtp = await start();
    await client(smtp).sendMail(mail({ from: 'jörg@example.com', to: 'ann@example.com', text: 'Grüße' }));
    expect(smtp.messages[0].envelope.smtpUtf8).toBe(true);
    expect(smtp.messages[0].envelope.mailFrom).toBe('jörg@example.com');
    await client(smtp).sendMail(mail({ to: 'ann@example.com' }));
    expect(smtp.messages[1].envelope.smtpUtf8).toBe(false);
    expect(smtp.messages[1].envelope.bodyType).toBe('7bit');
  });

  it('records envelope addresses as written on the wire: IDNA A-labels are not decoded', async () => {
    const smtp = await start({ faults: { rejectRecipients: { 'no@xn--bcher-kva.example': 550 } } });
    const info = await client(smtp).sendMail({
      envelope: { from: 'zoe@xn--bcher-kva.example', to: ['ann@xn--bcher-kva.example', 'no@xn--bcher-kva.example'] },
      raw: 'Subject: idn\r\n\r\nbody\r\n',
    });
    expect(info.rejected).toEqual(['no@xn--bcher-kva.example']);
    expect(smtp.messages[0].envelope).toMatchObject({
      mailFrom: 'zoe@xn--bcher-kva.example',
      rcptTo: ['ann@xn--bcher-kva.example'],
    });
    expect(smtp.events.filter((e) => e.type === 'rcpt').map((e) => e.address)).toEqual([
      'ann@xn--bcher-kva.example',
      'no@xn--bcher-kva.example',
    ]);
  });

  it('closes idempotently and with await using, refusing connections afterwards', async () => {
    let port = 0;
    {
      await using smtp = await startSmtpServer();
      port = smtp.port;
    }
    await expect(connectTo(port)).rejects.toThrow(/ECONNREFUSED/);
    const smtp = await startSmtpServer();
    await smtp.close();
    await smtp.close();
  });
});

describe('AUTH', () => {
  const credentials = { username: 'user', password: 's3cret-pw' };

  it('accepts the right credentials and records the user, never the password', async () => {
    const smtp = await start({ auth: credentials });
    expect(smtp.backendOptions()).toEqual({ host: '127.0.0.1', port: smtp.port, ...credentials });
    await client(smtp).sendMail(mail());
    expect(smtp.messages[0].user).toBe('user');
    expect(smtp.events.filter((e) => e.type === 'auth')).toEqual([
      expect.objectContaining({ username: 'user', code: 235 }),
    ]);
    expect(JSON.stringify(smtp.events)).not.toContain(credentials.password);
    expect(inspect(smtp, { depth: 6, showHidden: true })).not.toContain(credentials.password);
  });

  it('answers wrong credentials with 535 and unauthenticated MAIL with 530', async () => {
    const smtp = await start({ auth: credentials });
    await expect(client(smtp, { auth: { user: 'user', pass: 'wrong' } }).sendMail(mail())).rejects.toMatchObject({
      responseCode: 535,
    });
    await expect(client(smtp, { auth: undefined }).sendMail(mail())).rejects.toMatchObject({ responseCode: 530 });
    expect(smtp.messages).toEqual([]);
  });
});

describe('TLS', () => {
  it('generates one certificate per process for 127.0.0.1 and localhost', async () => {
    const [a, b] = await Promise.all([getTestCertificate(), getTestCertificate()]);
    expect(a).toBe(b);
    expect(a.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("'starttls' offers STARTTLS, requires it before MAIL and is trusted through backendOptions().tlsOptions", async () => {
    const smtp = await start({ tls: 'starttls', auth: { username: 'u', password: 'p' } });
    const options = smtp.backendOptions();
    expect(options).toMatchObject({ useTls: true, tlsOptions: { ca: expect.stringContaining('CERTIFICATE') } });
    expect(options.useSsl).toBeUndefined();
    await client(smtp).sendMail(mail());
    expect(smtp.messages[0].secure).toBe(true);
    expect(smtp.events.map((e) => e.type).slice(0, 3)).toEqual(['connect', 'secure', 'auth']);

    await expect(
      client(smtp, { ignoreTLS: true, requireTLS: false, auth: undefined }).sendMail(mail()),
    ).rejects.toMatchObject({
      responseCode: 530,
    });
    // The certificate is verified: without the CA the handshake fails.
    await expect(client(smtp, { tls: {} }).sendMail(mail())).rejects.toThrow(/self[- ]signed|certificate/i);
    expect(smtp.messages).toHaveLength(1);
  });

  it("'implicit' speaks TLS from the first byte and also matches the name localhost", async () => {
    const smtp = await start({ tls: 'implicit' });
    expect(smtp.backendOptions()).toMatchObject({ useSsl: true });
    await client(smtp).sendMail(mail());
    await client(smtp, { host: 'localhost' }).sendMail(mail());
    expect(smtp.messages.map((m) => m.secure)).toEqual([true, true]);
  });

  it('hideStartTls stops advertising STARTTLS and lets MAIL through in plaintext', async () => {
    const smtp = await start({ tls: 'starttls', hideStartTls: true });
    await expect(client(smtp).sendMail(mail())).rejects.toThrow(/STARTTLS/);
    expect(smtp.events.some((e) => e.type === 'mail')).toBe(false);
    await client(smtp, { requireTLS: false, ignoreTLS: true }).sendMail(mail());
    expect(smtp.messages[0].secure).toBe(false);
  });

  it('plaintext by default: STARTTLS is not offered at all', async () => {
    const smtp = await start();
    await expect(client(smtp, { requireTLS: true, ignoreTLS: false }).sendMail(mail())).rejects.toThrow(/STARTTLS/);
  });
});

describe('size', () => {
  it('rejects a message over the limit with 552 and records nothing', async () => {
    const smtp = await start({ size: 1000 });
    await expect(client(smtp).sendMail(mail({ text: 'x'.repeat(2000) }))).rejects.toMatchObject({ responseCode: 552 });
    await client(smtp).sendMail(mail({ text: 'small' }));
    expect(smtp.messages).toHaveLength(1);
  });
});

describe('faults', () => {
  it('rejects the sender with the given code, or only a given sender', async () => {
    const smtp = await start({ faults: { rejectSender: { code: 553, message: 'No such sender' } } });
    await expect(client(smtp).sendMail(mail())).rejects.toMatchObject({
      responseCode: 553,
      response: expect.stringContaining('No such sender'),
    });
    smtp.faults = { rejectSender: { code: 550, address: 'bad@example.com' } };
    await client(smtp).sendMail(mail());
    await expect(client(smtp).sendMail(mail({ from: 'bad@example.com' }))).rejects.toMatchObject({ responseCode: 550 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('decide() answers a stage first: a reply, a drop, or undefined for the other faults; onMessage sees each message', async () => {
    const seen: string[] = [];
    const calls: string[] = [];
    const smtp = await start({
      onMessage: (m) => seen.push(m.parsed.subject ?? ''),
      faults: {
        rejectSender: { code: 553 },
        decide: (stage, address) => {
          calls.push(`${stage}:${address ?? ''}`);
          if (stage === 'mail') return undefined; // falls through to rejectSender
          return address === 'bob@example.com' ? { code: 551, message: 'Moved' } : undefined;
        },
      },
    });
    await expect(client(smtp).sendMail(mail())).rejects.toMatchObject({ responseCode: 553 });
    smtp.faults.rejectSender = undefined;
    await client(smtp).sendMail(mail({ subject: 'Second' }));
    expect(smtp.messages[0].envelope.rcptTo).toEqual(['ann@example.com', 'carol@example.com', 'hidden@example.com']);
    expect(seen).toEqual(['Second']);
    expect(calls).toContain('rcpt:bob@example.com');
    smtp.faults.decide = (stage) => (stage === 'data' ? 'drop' : undefined);
    await expect(client(smtp).sendMail(mail())).rejects.toThrow();
    expect(smtp.messages).toHaveLength(1);
  });

  it('rejects given recipients and keeps the accepted ones in the envelope', async () => {
    const smtp = await start({
      faults: {
        rejectRecipients: { 'BOB@example.com': 550, 'carol@example.com': { code: 450, message: 'Mailbox busy' } },
      },
    });
    const info = await client(smtp).sendMail(mail());
    expect(info.rejected).toEqual(['bob@example.com', 'carol@example.com']);
    expect(smtp.messages[0].envelope.rcptTo).toEqual(['ann@example.com', 'hidden@example.com']);
    const rcpt = smtp.events.filter((e) => e.type === 'rcpt').map((e) => [e.address, e.code]);
    expect(rcpt).toEqual([
      ['ann@example.com', 250],
      ['bob@example.com', 550],
      ['carol@example.com', 450],
      ['hidden@example.com', 250],
    ]);
  });

  it.each([451, 554])('fails DATA with %i', async (code) => {
    const smtp = await start({ faults: { failData: { code } } });
    await expect(client(smtp).sendMail(mail())).rejects.toMatchObject({ responseCode: code });
    expect(smtp.messages).toEqual([]);
  });

  it.each(['greeting', 'mail', 'rcpt', 'data'] as const)('drops the connection at %s', async (stage) => {
    const smtp = await start({ faults: { dropAt: stage } });
    await expect(client(smtp).sendMail(mail())).rejects.toThrow();
    expect(smtp.messages).toEqual([]);
    expect(smtp.events).toContainEqual(expect.objectContaining({ type: 'drop', stage }));
  });

  it('applies faults set after waitForMessages() to the next message of the same session', async () => {
    const smtp = await start();
    const pooled = client(smtp, { pool: true, maxConnections: 1 });
    const first = pooled.sendMail(mail({ subject: 'one' }));
    const second = pooled.sendMail(mail({ subject: 'two' }));
    await smtp.waitForMessages(1);
    smtp.faults.failData = { code: 554, message: 'Content rejected' };
    await first;
    await expect(second).rejects.toMatchObject({ responseCode: 554 });
    pooled.close();
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['one']);
    expect(smtp.connections).toBe(1);
  });

  it('fails the first N attempts with a transient code, then accepts', async () => {
    const smtp = await start({ faults: { failFirst: 2 } });
    const transport = client(smtp);
    await expect(transport.sendMail(mail())).rejects.toMatchObject({ responseCode: 451 });
    await expect(transport.sendMail(mail())).rejects.toMatchObject({ responseCode: 451 });
    await transport.sendMail(mail());
    expect(smtp.messages).toHaveLength(1);
  });

  it('failAt: one reply or drop at the Nth time a stage is reached, the others accepted', async () => {
    const smtp = await start({
      faults: {
        failAt: [
          { at: 'mail', attempt: 2 },
          { at: 'data', attempt: [2], code: 452, message: 'Full' },
        ],
      },
    });
    const transport = client(smtp);
    await transport.sendMail(mail({ subject: 'one' }));
    await expect(transport.sendMail(mail())).rejects.toMatchObject({ responseCode: 421 });
    await expect(transport.sendMail(mail())).rejects.toMatchObject({ responseCode: 452, response: '452 Full' });
    await transport.sendMail(mail({ subject: 'four' }));
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['one', 'four']);
  });

  it("failAt with drop: 'after-content' keeps the whole message, then drops before the reply to its final dot", async () => {
    const smtp = await start({ faults: { failAt: [{ at: 'data', attempt: 1, drop: 'after-content' }] } });
    await expect(client(smtp).sendMail(mail({ subject: 'kept' }))).rejects.toThrow();
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['kept']);
    expect(smtp.events).toContainEqual(expect.objectContaining({ type: 'drop', stage: 'data' }));
  });

  it('answers the final dot with a queue id, recorded with the message', async () => {
    const smtp = await start();
    const info = await client(smtp).sendMail(mail());
    expect(smtp.messages[0]!.queueId).toMatch(/^Q[0-9A-Z]{6}$/);
    expect(info.response).toBe(`250 OK: queued as ${smtp.messages[0]!.queueId}`);
    await client(smtp).sendMail(mail());
    expect(smtp.messages[1]!.queueId).not.toBe(smtp.messages[0]!.queueId);
  });

  it("rejectSender at: 'rcpt' refuses the sender at every RCPT TO, in Postfix's words", async () => {
    const smtp = await start({ faults: { rejectSender: { code: 553, address: 'bad@example.com', at: 'rcpt' } } });
    await expect(client(smtp).sendMail(mail({ from: 'bad@example.com' }))).rejects.toMatchObject({
      responseCode: 553,
      response: expect.stringContaining('<bad@example.com>: Sender address rejected'),
    });
    expect(smtp.events.filter((e) => e.type === 'mail')).toEqual([expect.objectContaining({ code: 250 })]);
    await client(smtp).sendMail(mail());
    expect(smtp.messages).toHaveLength(1);
  });

  it('fails the first connections at the greeting with 421', async () => {
    const smtp = await start({ faults: { failFirst: { count: 1, at: 'greeting' } } });
    await expect(client(smtp).sendMail(mail())).rejects.toMatchObject({ responseCode: 421 });
    await client(smtp).sendMail(mail());
    expect(smtp.connections).toBe(2);
    expect(smtp.messages).toHaveLength(1);
  });

  it('delays replies past a client timeout, and within a longer one still delivers', async () => {
    const smtp = await start({ faults: { delay: { mail: 1000 } } });
    await expect(client(smtp, { socketTimeout: 100 }).sendMail(mail())).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    smtp.faults = { delay: 30 };
    await client(smtp, { socketTimeout: 10_000 }).sendMail(mail());
    expect(smtp.messages).toHaveLength(1);
  });

  it('never answers with hangAt, and close() still returns', async () => {
    const smtp = await start({ faults: { hangAt: 'greeting' } });
    await expect(client(smtp, { greetingTimeout: 100 }).sendMail(mail())).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const hanging = client(smtp, { greetingTimeout: 60_000, connectionTimeout: 60_000 }).sendMail(mail());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await smtp.close();
    await expect(hanging).rejects.toThrow();
  });
});

function connectTo(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}
