import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { ConfigurationError, configure, getSettings, resetSettings, SendError, sendMail } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { message, rejectionOf } from './helpers.js';
import { runnable } from './script.js';

afterEach(() => resetSettings());

/** The most sessions the server had open at once, from its connect and close events. */
function peakSessions(smtp: SmtpFixture): number {
  let open = 0;
  let peak = 0;
  for (const event of smtp.events) {
    if (event.type === 'connect') peak = Math.max(peak, ++open);
    if (event.type === 'close') open--;
  }
  return peak;
}

/** Message-ID header of each message the server accepted. */
function receivedIds(smtp: SmtpFixture): string[] {
  return smtp.messages.map((m) => String(m.parsed.messageId));
}

/** `count` sendMail() calls at once through the mailer `using`; each one's Message-ID and outcome. */
async function sendAtOnce(count: number, using = 'default') {
  const messages = numbered(count);
  const outcomes = await Promise.allSettled(messages.map((m) => m.send({ using })));
  return { messages, outcomes };
}

/** `count` messages, each with a Message-ID of its own, set here so the test knows it. */
function numbered(count: number) {
  return Array.from({ length: count }, (_, i) =>
    message({ to: [`user${i}@example.org`], headers: { 'Message-ID': `<m${i}@pool.test>` } }),
  );
}

/** A message's Message-ID as sent. */
function idOf(m: ReturnType<typeof message>): string {
  return m.headers['Message-ID']!;
}

function pooled(smtp: SmtpFixture, pool: object | true = true, extra: object = {}) {
  configure({ mailers: { default: { backend: 'smtp', options: { ...smtp.backendOptions(), pool, ...extra } } } });
}

describe('smtp pool', () => {
  it('1,000 concurrent sendMail() calls share one pool: never more than maxConnections open, each message once', async () => {
    await using smtp = await startSmtpServer();
    pooled(smtp, { maxConnections: 3, maxMessagesPerConnection: 100 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        sendMail({
          subject: `n${i}`,
          message: 'Hello',
          fromEmail: 'from@example.com',
          recipientList: [`u${i}@example.org`],
        }),
      ),
    );
    expect(results.every((sent) => sent === 1)).toBe(true);
    expect(smtp.messages).toHaveLength(1000);
    expect(new Set(smtp.messages.map((m) => m.parsed.subject)).size).toBe(1000);
    expect(new Set(receivedIds(smtp)).size).toBe(1000);
    expect(peakSessions(smtp)).toBeLessThanOrEqual(3);
    expect(peakSessions(smtp)).toBeGreaterThan(1); // the load was spread
    // maxMessagesPerConnection: each connection carried at most 100, so at least 10 were opened in turn.
    const perSession = new Map<string, number>();
    for (const m of smtp.messages) perSession.set(m.session, (perSession.get(m.session) ?? 0) + 1);
    expect(Math.max(...perSession.values())).toBeLessThanOrEqual(100);
    expect(smtp.connections).toBeGreaterThanOrEqual(10);
  });

  it('without a cap per connection, 300 sends open at most maxConnections connections in all', async () => {
    await using smtp = await startSmtpServer();
    pooled(smtp, { maxConnections: 4, maxMessagesPerConnection: Number.POSITIVE_INFINITY });
    const { outcomes } = await sendAtOnce(300);
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(smtp.messages).toHaveLength(300);
    expect(smtp.connections).toBeLessThanOrEqual(4);
  });

  it('a connection dropped mid-run: every message arrives once or fails with a clear error, none twice', async () => {
    // The 51st message's content arrives (the server has it), then the connection drops before the reply.
    await using smtp = await startSmtpServer({
      faults: { failAt: [{ at: 'data', attempt: 51, drop: 'after-content' }] },
    });
    pooled(smtp, { maxConnections: 2 });
    const messages = numbered(200);
    const outcomes = await Promise.allSettled(messages.map((m) => m.send({ using: 'default' })));
    const ids = receivedIds(smtp);
    expect(new Set(ids).size).toBe(ids.length); // no duplicate
    const delivered = messages.filter((_, i) => outcomes[i]!.status === 'fulfilled').map(idOf);
    const failed = messages.flatMap((m, i) => {
      const o = outcomes[i]!;
      return o.status === 'rejected' ? [{ id: idOf(m), reason: o.reason }] : [];
    });
    // Only what was on the wire when the connection dropped: the message whose reply never came.
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(2);
    for (const { reason } of failed) {
      expect(reason).toBeInstanceOf(SmtpError);
      expect(reason.message).toMatch(/connection/i);
      // Its final dot went out: the server may have it (here it does), so it is not sent again.
      expect(reason.maybeDelivered).toBe(true);
    }
    // What the caller was told arrived did, once; the rest arrived at most once, and said so.
    for (const id of delivered) expect(ids).toContain(id);
    expect(ids.every((id) => delivered.includes(id) || failed.some((f) => f.id === id))).toBe(true);
    expect(delivered.length + failed.length).toBe(200);
    expect(smtp.events.filter((e) => e.type === 'drop')).toHaveLength(1);
  });

  it('a 421 mid-run: the connection is replaced and the refused message goes on another; all arrive once', async () => {
    await using smtp = await startSmtpServer({ faults: { failAt: [{ at: 'data', attempt: 51, code: 421 }] } });
    pooled(smtp, { maxConnections: 2 });
    const { messages, outcomes } = await sendAtOnce(200);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const ids = receivedIds(smtp);
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(new Set(messages.map(idOf)));
    // The session that said 421 was closed and another opened in its place.
    const refused = smtp.events.filter((e) => e.type === 'data' && e.code === 421);
    expect(refused).toHaveLength(1);
    const closed = smtp.events.findIndex((e) => e.type === 'close' && e.session === refused[0]!.session);
    expect(closed).toBeGreaterThan(smtp.events.indexOf(refused[0]!));
    expect(smtp.messages.some((m) => m.session === refused[0]!.session)).toBe(true); // it carried the first 50 or so
    expect(smtp.connections).toBeGreaterThanOrEqual(2);
  });

  it('a message goes on a few connections at most, then fails saying so', async () => {
    // Every connection drops at MAIL, before any reply: nothing ever reaches the server.
    await using smtp = await startSmtpServer({ faults: { dropAt: 'mail' } });
    pooled(smtp, { maxConnections: 2 });
    const error = await rejectionOf(message().send({ using: 'default' }));
    expect(error).toBeInstanceOf(SendError);
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/went on 3 SMTP connections/);
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.connections).toBeLessThanOrEqual(4);
  });

  it('a server that is down fails every waiting message with the connection error, without hanging', async () => {
    const smtp = await startSmtpServer();
    const options = smtp.backendOptions();
    await smtp.close();
    configure({ mailers: { default: { options: { ...options, pool: true, timeout: 2 } } } });
    const { outcomes } = await sendAtOnce(20);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason.message).toMatch(/ECONNREFUSED|connect/);
    }
  });

  it('a failure stops a batch that is not failSilently, as without a pool; failSilently goes on', async () => {
    await using smtp = await startSmtpServer({ faults: { rejectRecipients: { 'bad@example.com': 550 } } });
    const backend = new EmailBackend({ ...smtp.backendOptions(), pool: true });
    const batch = () => [
      message({ to: ['a@example.com'] }),
      message({ to: ['bad@example.com'] }),
      message({ to: ['c@example.com'] }),
    ];
    const error = await rejectionOf(backend.sendMessages(batch()));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.sent).toBe(1);
    expect(error.messageIndex).toBe(1);
    expect(smtp.messages.map((m) => m.envelope.rcptTo[0])).toEqual(['a@example.com']);
    const silent = new EmailBackend({ ...smtp.backendOptions(), pool: true, failSilently: true });
    expect(await silent.sendMessages(batch())).toBe(2);
    expect(smtp.messages.map((m) => m.envelope.rcptTo[0])).toEqual(['a@example.com', 'a@example.com', 'c@example.com']);
  });

  it("close() of one backend never cuts another backend's send", async () => {
    await using smtp = await startSmtpServer({ faults: { delay: { data: 2 } } });
    const options = { ...smtp.backendOptions(), pool: { maxConnections: 1 } };
    const a = new EmailBackend(options);
    const b = new EmailBackend(options);
    const sending = b.sendMessages(Array.from({ length: 30 }, (_, i) => message({ to: [`b${i}@example.com`] })));
    await a.open();
    expect(await a.sendMessages([message({ to: ['a@example.com'] })])).toBe(1);
    await a.close();
    expect(await sending).toBe(30);
    expect(smtp.messages).toHaveLength(31);
    expect(smtp.connections).toBe(1); // one shared connection
  });

  it('rateLimit: no more start in a window than the limit allows; waiting is not an error', async () => {
    await using smtp = await startSmtpServer();
    pooled(smtp, { maxConnections: 2 }, { rateLimit: { messages: 10, perMs: 100 } });
    const started = performance.now();
    const { outcomes } = await sendAtOnce(50);
    const elapsed = performance.now() - started;
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    // 50 messages at 100/s: about half a second (less the first burst), never much faster.
    expect(elapsed).toBeGreaterThan(350);
    expect(elapsed).toBeLessThan(5000);
  });

  for (const tls of [false, 'starttls'] as const) {
    it(`a script that sends through a pool and closes nothing exits by itself, its connections QUIT (tls: ${tls})`, async () => {
      await using smtp = await startSmtpServer({ tls });
      const script = await runnable('pool-exit-entry.ts');
      const child = spawn(process.execPath, [script, JSON.stringify(smtp.backendOptions())], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code, signal] = await once(child, 'exit');
      clearTimeout(timer);
      expect({ code, signal, out: out.trim() }).toEqual({ code: 0, signal: null, out: 'sent 20' });
      expect(smtp.messages).toHaveLength(20);
      expect(smtp.messages.every((m) => m.secure === (tls !== false))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(smtp.events.filter((e) => e.type === 'close')).toHaveLength(smtp.connections);
    });
  }

  it('an idle pool closes its connections after idleTimeout', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend({ ...smtp.backendOptions(), pool: { idleTimeout: 0.2 } });
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(smtp.events.some((e) => e.type === 'close')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(smtp.events.filter((e) => e.type === 'close')).toHaveLength(1);
    // The next send opens a new connection.
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(smtp.connections).toBe(2);
  });
});

describe('smtp pool options', () => {
  it('takes pool: true or its limits, with the defaults filled in', () => {
    expect(new EmailBackend({ pool: true }).pool).toEqual({
      maxConnections: 5,
      maxMessagesPerConnection: 100,
      idleTimeout: 30,
    });
    expect(new EmailBackend({ pool: { maxConnections: 2 } }).pool).toMatchObject({
      maxConnections: 2,
      maxMessagesPerConnection: 100,
    });
    expect(new EmailBackend({}).pool).toBeNull();
    expect(new EmailBackend({ pool: true, rateLimit: { messages: 5, perMs: 1000 } }).rateLimit).toEqual({
      messages: 5,
      perMs: 1000,
    });
  });

  it('a typo or a wrong value is an error that names it', () => {
    expect(() => new EmailBackend({ pool: { maxConection: 3 } as never })).toThrow(
      /unknown key "maxConection".*maxConnections/,
    );
    expect(() => new EmailBackend({ pool: { maxConnections: 0 } })).toThrow(
      /"pool.maxConnections" must be an integer of 1 or more; got 0/,
    );
    expect(() => new EmailBackend({ pool: 'yes' as never })).toThrow(ConfigurationError);
    expect(() => new EmailBackend({ pool: true, rateLimit: { messages: 10 } as never })).toThrow(/"rateLimit.perMs"/);
    expect(() => new EmailBackend({ rateLimit: { messages: 10, perMs: 1000 } })).toThrow(/applies to a pool/);
    expect(() => new EmailBackend({ poool: true } as never)).toThrow(/Unknown option "poool"/);
  });

  it('from the settings: emailPool and emailRateLimit, checked at configure()', () => {
    configure({ emailPool: { maxConnections: 2 }, emailRateLimit: { messages: 100, perMs: 1000 } });
    const backend = new EmailBackend();
    expect(backend.pool).toMatchObject({ maxConnections: 2 });
    expect(backend.rateLimit).toEqual({ messages: 100, perMs: 1000 });
    expect(() => configure({ emailPool: { maxConnections: -1 } })).toThrow(/Setting "emailPool.maxConnections"/);
    expect(() => configure({ emailRateLimit: { messages: 1, perMS: 10 } as never })).toThrow(/unknown key "perMS"/);
  });

  it('from EMAIL_URL: ?pool=true&maxConnections=4&rateLimit=1000/1000', () => {
    configure({ emailUrl: 'smtp://mail.example.com:2525?pool=true&maxConnections=4&rateLimit=1000/1000' });
    expect(getSettings().emailPool).toEqual({ maxConnections: 4 });
    expect(getSettings().emailRateLimit).toEqual({ messages: 1000, perMs: 1000 });
    const backend = new EmailBackend();
    expect(backend.pool).toEqual({ maxConnections: 4, maxMessagesPerConnection: 100, idleTimeout: 30 });
    configure({ emailUrl: 'smtp://mail.example.com?pool=true' });
    expect(new EmailBackend().pool).toMatchObject({ maxConnections: 5 });
    expect(() => configure({ emailUrl: 'smtp://mail.example.com?maxConection=4' })).toThrow(
      /unknown parameter "maxConection"/,
    );
    expect(() => configure({ emailUrl: 'smtp://mail.example.com?pool=true&maxConnections=0' })).toThrow(
      /maxConnections/,
    );
    expect(() => configure({ emailUrl: 'smtp://mail.example.com?pool=false&maxConnections=2' })).toThrow(/pool=false/);
    expect(() => configure({ emailUrl: 'smtp://mail.example.com?rateLimit=fast' })).toThrow(/MESSAGES\/MILLISECONDS/);
  });
});
