import { BaseEmailBackend, configure, EmailMessage, type PreparedMessage, SendError } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { msg, RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('message.delivery: the report the base contract writes after a send', () => {
  it('is null before a send; after it, the Message-ID as sent, every envelope recipient accepted, one attempt', async () => {
    const message = new EmailMessage({
      subject: 's',
      body: 'b',
      fromEmail: 'from@example.com',
      to: ['a@example.com'],
      cc: ['c@example.com'],
      bcc: ['hidden@example.com'],
      headers: { 'Message-ID': '<fixed@example.com>' },
    });
    expect(message.delivery).toBeNull();
    expect(await new RecordingBackend().sendMessages([message])).toBe(1);
    expect(message.delivery).toEqual({
      messageId: '<fixed@example.com>',
      accepted: ['a@example.com', 'c@example.com', 'hidden@example.com'],
      rejected: [],
      response: null,
      mailer: null,
      backend: 'RecordingBackend',
      attempts: 1,
    });
  });

  it('names the generated Message-ID, the mailer alias and the backend a class declares', async () => {
    class NamedBackend extends BaseEmailBackend {
      static override readonly backendName = 'named';
      protected override async deliverOne(): Promise<void> {}
    }
    configure({ mailers: { default: { backend: NamedBackend }, bulk: { backend: NamedBackend } } });
    const message = msg('x');
    await message.send({ using: 'bulk' });
    expect(message.delivery).toMatchObject({ mailer: 'bulk', backend: 'named' });
    expect(message.delivery!.messageId).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
  });

  it('a failed message carries a report with no recipient accepted; the SendError says why', async () => {
    const backend = new RecordingBackend({ failOn: (s: string) => (s === 'b' ? new Error('refused') : undefined) });
    const [a, b] = [msg('a'), msg('b')];
    await expect(backend.sendMessages([a, b])).rejects.toThrow(SendError);
    expect(a.delivery!.accepted).toEqual(['to@example.com']);
    expect(b.delivery).toMatchObject({ accepted: [], rejected: [], attempts: 1 });
  });

  it('what a backend reports (accepted, refused with their replies, the final reply) is what the report holds', async () => {
    class Partial extends BaseEmailBackend {
      protected override async deliver(batch: PreparedMessage[], outcome: import('@mail/core').DeliveryOutcome) {
        for (const p of batch)
          outcome.delivered(p, {
            accepted: [p.envelope.to[0]!],
            rejected: p.envelope.to.slice(1).map((address) => ({ address, code: 550, response: '550 no' })),
            response: '250 queued as 42',
          });
      }
    }
    const message = new EmailMessage({ fromEmail: 'f@example.com', to: ['a@example.com', 'b@example.com'] });
    expect(await new Partial().sendMessages([message])).toBe(1);
    expect(message.delivery).toMatchObject({
      accepted: ['a@example.com'],
      rejected: [{ address: 'b@example.com', code: 550, response: '550 no' }],
      response: '250 queued as 42',
    });
  });
});
