import { FailoverBackend, FailoverError } from '@mail/backend-failover';
import {
  BadHeaderError,
  BaseEmailBackend,
  ConfigurationError,
  configure,
  EmailMessage,
  getConnection,
  MailerDoesNotExist,
  mailers,
  type PreparedMessage,
  resetSettings,
  SendError,
  sendMail,
} from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
  resetSettings();
  delete process.env.EMAIL_URL;
});

const message = (i: number, extra: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}) =>
  new EmailMessage({
    subject: `m${i}`,
    body: 'Hello',
    fromEmail: 'from@example.com',
    to: [`u${i}@example.com`],
    ...extra,
  });

const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => message(from + i));

/** A port nothing listens on: a fixture's, after it closed. */
async function closedPort(): Promise<number> {
  const gone = await startSmtpServer();
  await gone.close();
  return gone.port;
}

function twoMailers(a: { host: string; port: number }, b: SmtpFixture, retryAfter = 60) {
  configure({
    mailers: {
      a: { backend: 'smtp', options: { host: a.host, port: a.port } },
      b: { backend: 'smtp', options: b.backendOptions() },
      default: { backend: 'failover', options: { mailers: ['a', 'b'], retryAfter } },
    },
  });
}

describe('failover', () => {
  it('with the first server down sends everything through the second; after retryAfter it uses the first again', async () => {
    // The clock retryAfter reads, moved by hand (sockets and timers run for real).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await using a = await startSmtpServer({ faults: { dropAt: 'greeting' } });
    await using b = await startSmtpServer();
    twoMailers(a, b, 60);
    // Several sends, each through a new backend of the default mailer, as an app's requests are.
    for (let i = 0; i < 5; i++) expect(await (await mailers.get('default')).sendMessages(batch(i * 4, 4))).toBe(4);
    const one = message(99);
    await sendMail({ subject: 'by sendMail', message: 'x', fromEmail: null, recipientList: ['z@example.com'] });
    await one.send();
    expect(b.messages).toHaveLength(22);
    expect(a.messages).toHaveLength(0);
    // The first failure marked it down: the next sends skipped it rather than trying it again.
    expect(a.connections).toBe(1);
    expect(one.delivery).toMatchObject({ mailer: 'b', backend: 'smtp', attempts: 1 });

    a.faults = {}; // the first server is back
    vi.setSystemTime(Date.now() + 59_000);
    await (await mailers.get('default')).sendMessages(batch(50, 1));
    expect(a.connections).toBe(1); // still within retryAfter
    vi.setSystemTime(Date.now() + 2_000);
    const later = batch(100, 3);
    expect(await (await mailers.get('default')).sendMessages(later)).toBe(3);
    expect(a.messages.map((m) => m.parsed.subject)).toEqual(['m100', 'm101', 'm102']);
    expect(later[0]!.delivery).toMatchObject({ mailer: 'a', backend: 'smtp', attempts: 1 });
    expect(b.messages).toHaveLength(23);
  });

  it('a refused connection fails over; the report names the member that delivered and counts the attempt before', async () => {
    await using b = await startSmtpServer();
    twoMailers({ host: '127.0.0.1', port: await closedPort() }, b);
    const sent = message(1);
    expect(await (await mailers.get('default')).sendMessages([sent])).toBe(1);
    expect(sent.delivery).toMatchObject({
      mailer: 'b',
      backend: 'smtp',
      attempts: 2,
      accepted: ['u1@example.com'],
      response: `250 OK: queued as ${b.messages[0]!.queueId}`,
    });
  });

  it('a member failing in the middle of a batch hands the rest to the next; each message once', async () => {
    await using a = await startSmtpServer({ faults: { failAt: [{ at: 'mail', attempt: 4, code: 421 }] } });
    await using b = await startSmtpServer();
    twoMailers(a, b);
    const messages = batch(0, 10);
    expect(await (await mailers.get('default')).sendMessages(messages)).toBe(10);
    expect(a.messages.map((m) => m.parsed.subject)).toEqual(['m0', 'm1', 'm2']);
    expect(b.messages.map((m) => m.parsed.subject)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  });

  it('when every member fails, the error names each member and its failure', async () => {
    await using a = await startSmtpServer({ faults: { failData: { code: 451, message: 'Greylisted' } } });
    await using b = await startSmtpServer({ faults: { failData: { code: 452, message: 'Mailbox full' } } });
    twoMailers(a, b);
    const error = await (await mailers.get('default')).sendMessages([message(1)]).catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toBeInstanceOf(FailoverError);
    expect(error.name).toBe('FailoverError');
    expect((error as FailoverError).failures.map((f) => f.member)).toEqual(['"a"', '"b"']);
    expect(error.message).toBe(
      'Message 1 of 1 (to u1@example.com) failed; 0 delivered before it: All 2 members failed ' +
        '("a": The SMTP server refused the message: 451 Greylisted; "b": The SMTP server refused the message: 452 Mailbox full)',
    );
    expect(error.transient).toBe(true);
    expect(error.cause).toBe((error as FailoverError).failures[1]!.error);
  });

  it('bad input never fails over: a header injection is refused before any member is tried', async () => {
    await using a = await startSmtpServer();
    await using b = await startSmtpServer();
    twoMailers(a, b);
    const bad = message(1, { subject: 'Hi\r\nBcc: victim@example.com' });
    await expect((await mailers.get('default')).sendMessages([bad])).rejects.toThrow(BadHeaderError);
    expect(a.connections + b.connections).toBe(0);
  });

  it('triggers on the base contract SendError, whatever class a third-party backend throws underneath', async () => {
    class ProviderDown extends Error {}
    class ThirdParty extends BaseEmailBackend {
      protected override async deliverOne(_p: PreparedMessage): Promise<void> {
        throw new ProviderDown('HTTP 503 from the provider');
      }
    }
    await using b = await startSmtpServer();
    configure({
      mailers: {
        api: { backend: ThirdParty },
        b: { backend: 'smtp', options: b.backendOptions() },
        default: { backend: 'failover', options: { mailers: ['api', 'b'] } },
      },
    });
    const sent = message(1);
    await sent.send();
    expect(b.messages).toHaveLength(1);
    expect(sent.delivery).toMatchObject({ mailer: 'b', attempts: 2 });
  });

  it('a message the server may already have is not handed to another member; the rest go on', async () => {
    await using a = await startSmtpServer({ faults: { failAt: [{ at: 'data', attempt: 2, drop: 'after-content' }] } });
    await using b = await startSmtpServer();
    twoMailers(a, b);
    const messages = batch(0, 4);
    expect(await (await mailers.get('default', { failSilently: true })).sendMessages(messages)).toBe(3);
    expect(a.messages.map((m) => m.parsed.subject)).toEqual(['m0', 'm1']);
    expect(b.messages.map((m) => m.parsed.subject)).toEqual(['m2', 'm3']);
    expect(messages[1]!.delivery).toMatchObject({ mailer: 'a', backend: 'smtp', accepted: [] });
    // Without failSilently: the SendError says so, and the batch stops there (Django's rule).
    await using c = await startSmtpServer({ faults: { failAt: [{ at: 'data', attempt: 1, drop: 'after-content' }] } });
    twoMailers(c, b);
    const error = await (await mailers.get('default')).sendMessages(batch(10, 2)).catch((e) => e);
    expect(error.maybeDelivered).toBe(true);
    expect(error.messageIndex).toBe(0);
    expect(c.messages).toHaveLength(1);
    expect(b.messages).toHaveLength(2);
  });

  it('a message some recipients accepted is sent: no failover, the refusal in its report', async () => {
    await using a = await startSmtpServer({ faults: { rejectRecipients: { 'gone@example.com': 550 } } });
    await using b = await startSmtpServer();
    twoMailers(a, b);
    const partial = message(1, { to: ['ok@example.com', 'gone@example.com'] });
    expect(await (await mailers.get('default')).sendMessages([partial])).toBe(1);
    expect(b.messages).toHaveLength(0);
    expect(partial.delivery).toMatchObject({
      mailer: 'a',
      accepted: ['ok@example.com'],
      rejected: [{ address: 'gone@example.com', code: 550 }],
    });
  });

  it("EMAIL_URL='failover(URL URL)' takes member URLs; an error shows them with passwords masked", async () => {
    await using b = await startSmtpServer();
    const down = await closedPort();
    process.env.EMAIL_URL = `failover(smtp://user:s3cret@127.0.0.1:${down} smtp://127.0.0.1:${b.port})`;
    expect(await sendMail({ subject: 's', message: 'm', fromEmail: null, recipientList: ['x@example.com'] })).toBe(1);
    expect(b.messages).toHaveLength(1);
    const backend = (await getConnection()) as FailoverBackend;
    expect(backend).toBeInstanceOf(FailoverBackend);
    expect(backend.members).toEqual([`smtp://****@127.0.0.1:${down}`, `smtp://127.0.0.1:${b.port}`]);
    await b.close();
    const error = await sendMail({
      subject: 's',
      message: 'm',
      fromEmail: null,
      recipientList: ['x@example.com'],
    }).catch((e) => e);
    expect(error.message).toContain(`smtp://****@127.0.0.1:${down}: `);
    expect(error.message).not.toContain('s3cret');
  });

  it('bad configuration is a ConfigurationError naming it', async () => {
    configure({ mailers: { default: { backend: 'locmem' }, a: { backend: 'locmem' } } });
    expect(() => new FailoverBackend({ mailers: ['a', 'nope'] })).toThrow(MailerDoesNotExist);
    expect(() => new FailoverBackend({ mailers: ['a', 'nope'] })).toThrow(/member "nope" is not a mailer/);
    expect(() => new FailoverBackend({ mailers: [] })).toThrow(/non-empty list of mailer aliases/);
    expect(() => new FailoverBackend({ mailers: ['a'], retryAfter: -1 })).toThrow(/"retryAfter" must be a number/);
    expect(() => new FailoverBackend({ mailers: ['a'], redirectTo: ['qa@example.com'] })).toThrow(
      /set "redirectTo" on each member mailer/,
    );
    expect(() => new FailoverBackend()).toThrow(/needs members/);
    expect(() => new FailoverBackend({ mailers: ['a'], retryafter: 5 } as never)).toThrow(
      /Unknown option "retryafter" .* Did you mean "retryAfter"\?/,
    );
    configure({ mailers: { default: { backend: 'failover', options: { mailers: ['default', 'a'] } }, a: {} } });
    await expect(mailers.get('default')).rejects.toThrow(ConfigurationError);
    expect(() => configure({ emailUrl: 'failover(smtp://a.example)' })).toThrow(/at least two member URLs/);
    expect(() => configure({ emailUrl: 'failover(smtp://a.example smtp://b.example)?retryAftr=5' })).toThrow(
      /unknown parameter "retryAftr"/,
    );
    expect(() => configure({ emailUrl: 'failover(smtp://a.example smtp://b.example?tls=maybe)' })).toThrow(
      /member 2 .* tls="maybe"/,
    );
  });
});
