import DefaultExport, { EmailBackend, outbox } from '@mail/backend-locmem';
import {
  BadHeaderError,
  configure,
  EmailMessage,
  EmailMultiAlternatives,
  getConnection,
  mailers,
  resetSettings,
  sendMail,
} from '@mail/core';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const message = (fields: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}) =>
  new EmailMessage({ subject: 'Hi', body: 'Hello', fromEmail: 'from@example.com', to: ['to@example.com'], ...fields });

beforeEach(() => {
  outbox.length = 0;
});
afterEach(() => {
  resetSettings();
});

describe('locmem backend', () => {
  it('is the default export too', () => {
    expect(DefaultExport).toBe(EmailBackend);
  });

  it('fills message.delivery, on the message and on its outbox copy, so tests can assert on it', async () => {
    configure({ mailers: { default: { backend: 'locmem' }, transactional: { backend: 'locmem' } } });
    const sent = message({ cc: ['cc@example.com'], bcc: ['bcc@example.com'] });
    expect(sent.delivery).toBeNull();
    await sent.send({ using: 'transactional' });
    expect(sent.delivery).toEqual({
      messageId: expect.stringMatching(/^<.+@.+>$/),
      accepted: ['to@example.com', 'cc@example.com', 'bcc@example.com'],
      rejected: [],
      response: null,
      mailer: 'transactional',
      backend: 'locmem',
      attempts: 1,
    });
    expect(outbox[0]!.delivery).toEqual(sent.delivery);
  });

  it('keeps each delivered message in outbox and counts them', async () => {
    const backend = new EmailBackend();
    expect(await backend.sendMessages([message({ subject: 'One' }), message({ subject: 'Two' })])).toBe(2);
    expect(outbox.map((m) => m.subject)).toEqual(['One', 'Two']);
    expect(outbox[0]).toBeInstanceOf(EmailMessage);
  });

  it('keeps a copy: changing the message after sending does not change the outbox', async () => {
    const sent = new EmailMultiAlternatives({
      subject: 'Before',
      body: 'Body',
      fromEmail: 'from@example.com',
      to: ['a@example.com'],
      headers: { 'X-Tag': 'one' },
      alternatives: [['<p>Body</p>', 'text/html']],
    });
    sent.attach('a.txt', 'first', 'text/plain');
    await new EmailBackend().sendMessages([sent]);
    sent.subject = 'After';
    sent.to.push('b@example.com');
    sent.headers['X-Tag'] = 'two';
    sent.attachments.push({ filename: 'b.txt', content: 'second', mimetype: 'text/plain' });
    (sent.attachments[0] as { content: unknown }).content = 'changed';
    sent.alternatives.push({ content: 'x', mimetype: 'text/x-other' });

    const kept = outbox[0] as unknown as EmailMultiAlternatives;
    expect(kept).toBeInstanceOf(EmailMultiAlternatives);
    expect(kept.subject).toBe('Before');
    expect(kept.to).toEqual(['a@example.com']);
    expect(kept.headers).toEqual({ 'X-Tag': 'one' });
    expect(kept.attachments).toHaveLength(1);
    expect((kept.attachments[0] as { content: unknown }).content).toBe('first');
    expect(kept.alternatives).toHaveLength(1);
    // The copy still builds, as the original would have.
    const parsed = await simpleParser(await kept.message().asBytes());
    expect(parsed.subject).toBe('Before');
    expect(parsed.attachments.map((a) => a.content.toString())).toEqual(['first']);
  });

  it('records sentUsing: null without a mailer', async () => {
    await new EmailBackend().sendMessages([message()]);
    expect(outbox[0].sentUsing).toBeNull();
  });

  it('records sentUsing: the alias of the mailer it was sent through', async () => {
    configure({ mailers: { default: { backend: 'locmem' }, notifications: { backend: 'locmem' } } });
    await sendMail({
      subject: 'A',
      message: 'a',
      fromEmail: 'f@example.com',
      recipientList: ['t@example.com'],
      using: 'notifications',
    });
    await sendMail({ subject: 'B', message: 'b', fromEmail: 'f@example.com', recipientList: ['t@example.com'] });
    const backend = await mailers.get('notifications');
    expect(backend.alias).toBe('notifications');
    expect(outbox.map((m) => [m.subject, m.sentUsing])).toEqual([
      ['A', 'notifications'],
      ['B', 'default'],
    ]);
  });

  it('refuses an unknown option in a mailer entry, naming the alias and the option', async () => {
    configure({ mailers: { default: { backend: 'locmem', options: { filePath: '/tmp' } } } });
    await expect(mailers.get('default')).rejects.toThrow(/default[\s\S]*filePath|filePath[\s\S]*default/);
  });

  it('builds each message: a header injection is rejected and nothing of the batch is kept', async () => {
    const backend = new EmailBackend({ failSilently: true });
    await expect(
      backend.sendMessages([message(), message({ subject: 'x\nBcc: v@example.com' })]),
    ).rejects.toBeInstanceOf(BadHeaderError);
    expect(outbox).toHaveLength(0);
  });

  it('is the backend getConnection("locmem") gives, and sendMail lands in outbox', async () => {
    // The loader imports the package itself (its build), another copy than this test's source import.
    const connection = await getConnection('locmem');
    expect(connection.constructor.name).toBe(EmailBackend.name);
    configure({ emailBackend: 'locmem' });
    expect(
      await sendMail({
        subject: 'Via sendMail',
        message: 'm',
        fromEmail: 'f@example.com',
        recipientList: ['t@example.com'],
      }),
    ).toBe(1);
    expect(outbox.at(-1)?.subject).toBe('Via sendMail');
  });

  it('keeps one outbox per process, on globalThis under a registered symbol', () => {
    const shared = (globalThis as Record<symbol, unknown>)[Symbol.for('@mail/backend-locmem.outbox')];
    expect(shared).toBe(outbox);
  });

  it("its outbox is @mail/core's outbox (one home, as Django's mail.outbox), and @mail/testing's", async () => {
    const core = await import('@mail/core');
    const testing = await import('@mail/testing');
    expect(outbox).toBe(core.outbox);
    expect(testing.getOutbox()).toBe(core.outbox);
    expect(testing.OUTBOX_KEY).toBe(core.OUTBOX_KEY);
    await new EmailBackend().sendMessages([message({ subject: 'one home' })]);
    expect(core.outbox.at(-1)?.subject).toBe('one home');
  });

  it('concurrent batches all land, none lost', async () => {
    const backend = new EmailBackend();
    const counts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        backend.sendMessages([message({ subject: `m${i}a` }), message({ subject: `m${i}b` })]),
      ),
    );
    expect(counts).toEqual(Array(10).fill(2));
    expect(new Set(outbox.map((m) => m.subject)).size).toBe(20);
  });
});
