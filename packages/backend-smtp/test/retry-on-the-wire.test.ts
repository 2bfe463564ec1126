import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { type DeliveryReport, type EmailMessage, onFailed, onSent } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { message, rejectionOf } from './helpers.js';

/** Fast retries for tests: the same policy as production, with short waits. */
const retry = { attempts: 3, minDelayMs: 5, maxDelayMs: 20 };

function batch(count: number): EmailMessage[] {
  return Array.from({ length: count }, (_, i) => message({ subject: `m${i}`, to: [`user${i}@example.com`] }));
}

const bare = (id: string) => id.replace(/^<|>$/g, '');

/** Message-IDs the server accepted, and how many times each. */
function receivedIds(smtp: SmtpFixture): Map<string, number> {
  const seen = new Map<string, number>();
  for (const m of smtp.messages) {
    const id = bare(m.parsed.messageId!);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

/** Every message of `messages` arrived exactly once (counted by Message-ID at the server). */
function expectEachOnce(smtp: SmtpFixture, messages: EmailMessage[]): void {
  const seen = receivedIds(smtp);
  const ids = messages.map((m) => bare(m.delivery!.messageId));
  expect(new Set(ids).size).toBe(messages.length);
  expect(ids.filter((id) => seen.get(id) !== 1)).toEqual([]);
  expect(smtp.messages).toHaveLength(messages.length);
}

describe('retry against the fixture: each message exactly once', () => {
  it('a 421 in the middle of 200 messages: retried on a new connection, every message delivered once', async () => {
    await using smtp = await startSmtpServer({ faults: { failAt: [{ at: 'mail', attempt: 100, code: 421 }] } });
    const messages = batch(200);
    expect(await new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages(messages)).toBe(200);
    expectEachOnce(smtp, messages);
    expect(messages[99]!.delivery!.attempts).toBe(2);
    expect(messages.filter((m) => m.delivery!.attempts !== 1)).toHaveLength(1);
    expect(smtp.connections).toBeGreaterThanOrEqual(2);
  });

  it('a connection dropped in the middle of 200 messages (at RCPT): every message delivered once', async () => {
    await using smtp = await startSmtpServer({ faults: { failAt: [{ at: 'rcpt', attempt: 137, drop: true }] } });
    const messages = batch(200);
    expect(await new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages(messages)).toBe(200);
    expectEachOnce(smtp, messages);
    expect(messages[136]!.delivery!.attempts).toBe(2);
  });

  it('a 4xx at the end of DATA and a server down at first: retried until delivered, counted once', async () => {
    await using smtp = await startSmtpServer({
      faults: {
        failFirst: { count: 1, at: 'greeting' },
        failAt: [{ at: 'data', attempt: [3, 4], code: 451, message: 'Try later' }],
      },
    });
    const messages = batch(10);
    expect(await new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages(messages)).toBe(10);
    expectEachOnce(smtp, messages);
    // The greeting 421 cost every message one attempt; the 451s cost the 3rd and 4th one more.
    expect(messages.map((m) => m.delivery!.attempts)).toEqual([2, 2, 3, 3, 2, 2, 2, 2, 2, 2]);
  });

  it('a 5xx is not retried: the batch goes on, the SendError names it, the count is the final one', async () => {
    await using smtp = await startSmtpServer({
      faults: { failAt: [{ at: 'data', attempt: 50, code: 554, message: 'Content rejected' }] },
    });
    const messages = batch(200);
    const error = await rejectionOf(new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages(messages));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.responseCode).toBe(554);
    expect(error.messageIndex).toBe(49);
    expect(error.sent).toBe(199);
    expect(error.message).toMatch(/^Message 50 of 200 \(to user49@example\.com\) failed; 199 of the batch delivered:/);
    expect(messages[49]!.delivery).toMatchObject({ accepted: [], attempts: 1, response: '554 Content rejected' });
    // 200 ends of data at the server: the refused one was not sent again.
    expect(smtp.events.filter((e) => e.type === 'data')).toHaveLength(200);
    expectEachOnce(
      smtp,
      messages.filter((_, i) => i !== 49),
    );
  });

  it('a connection dropped after the final "." is not retried: the server has the message once', async () => {
    await using smtp = await startSmtpServer({
      faults: { failAt: [{ at: 'data', attempt: 10, drop: 'after-content' }] },
    });
    const messages = batch(30);
    const error = await rejectionOf(new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages(messages));
    expect(error.maybeDelivered).toBe(true);
    expect(error.messageIndex).toBe(9);
    expect(error.sent).toBe(29);
    expectEachOnce(smtp, messages);
    expect(messages[9]!.delivery!.attempts).toBe(1);
  });

  it('the attempts run out: the last failure is reported, with the attempts it took', async () => {
    await using smtp = await startSmtpServer({ faults: { failData: { code: 452, message: 'Mailbox full' } } });
    const [only] = batch(1);
    const error = await rejectionOf(new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages([only!]));
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/failed after 3 attempts; 0 of the batch delivered: .*Mailbox full/);
    expect(only!.delivery!.attempts).toBe(3);
    expect(smtp.events.filter((e) => e.type === 'data')).toHaveLength(3);
    // failSilently: the same attempts, then 0.
    expect(await new EmailBackend({ ...smtp.backendOptions(), retry, failSilently: true }).sendMessages(batch(1))).toBe(
      0,
    );
    expect(smtp.events.filter((e) => e.type === 'data')).toHaveLength(6);
  });
});

describe('retry and delivery reports in the send hooks', () => {
  it('onSent sees the report as sent (queue id, attempts); each message ends once, after its last attempt', async () => {
    await using smtp = await startSmtpServer({
      faults: {
        rejectRecipients: { 'gone@example.com': 550 },
        failAt: [{ at: 'data', attempt: 2, code: 451 }],
      },
    });
    const sent: DeliveryReport[] = [];
    const failed: string[] = [];
    const offSent = onSent(({ delivery }) => void sent.push(delivery!));
    const offFailed = onFailed(({ message }) => void failed.push(message.subject));
    try {
      const messages = [
        message({ subject: 'a', to: ['a@example.com', 'gone@example.com'] }),
        message({ subject: 'b' }),
        message({ subject: 'c', to: ['gone@example.com'] }),
      ];
      const error = await rejectionOf(new EmailBackend({ ...smtp.backendOptions(), retry }).sendMessages(messages));
      expect(error.messageIndex).toBe(2);
      expect(sent.map((d) => [d.accepted, d.attempts])).toEqual([
        [['a@example.com'], 1],
        [['to@example.com'], 2],
      ]);
      expect(sent[0]!.rejected).toEqual([
        { address: 'gone@example.com', code: 550, response: '550 Recipient rejected' },
      ]);
      expect(sent[1]!.response).toBe(`250 OK: queued as ${smtp.messages[1]!.queueId}`);
      expect(failed).toEqual(['c']);
    } finally {
      offSent();
      offFailed();
    }
  });
});
