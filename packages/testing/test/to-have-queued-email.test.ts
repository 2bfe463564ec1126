import { EmailMessage, envelopeOf } from '@mail/core';
import { isQueuedEntry, mailMatchers, type QueuedEntryLike, toSentEmails } from '@mail/testing';
import { describe, expect, it } from 'vitest';

expect.extend(mailMatchers);

// A queued job as @mail/backend-queue lists it: plain data around the message's bytes.
async function entry(
  id: string,
  fields: ConstructorParameters<typeof EmailMessage>[0],
  job: Partial<QueuedEntryLike> = {},
) {
  const message = new EmailMessage({ fromEmail: 'app@example.com', ...fields });
  const bytes = await message.message().asBytes();
  return {
    id,
    queue: 'mail',
    state: 'waiting',
    deliverWith: 'smtp',
    envelope: envelopeOf(message),
    priority: 0,
    delay: 0,
    message: { message: () => ({ asBytes: async () => bytes }) },
    ...job,
  } satisfies QueuedEntryLike;
}

describe('toHaveQueuedEmail', () => {
  it('matches on the bytes as a server would read them, and on the job', async () => {
    const jobs = [
      await entry('1', { subject: 'Welcome', body: 'Hi Ann', to: ['Ann <ann@example.com>'] }),
      await entry(
        '2',
        { subject: 'Later', body: 'x', to: ['bob@example.com'], bcc: ['b@example.com'] },
        { delay: 5000, priority: 3, state: 'delayed' },
      ),
    ];
    expect(jobs.every(isQueuedEntry)).toBe(true);
    await expect(jobs).toHaveQueuedEmail();
    await expect(jobs).toHaveQueuedEmail({
      to: 'ann@example.com',
      body: 'Hi Ann',
      delayed: false,
      deliverWith: 'smtp',
    });
    await expect(jobs).toHaveQueuedEmail({ bcc: ['b@example.com'], delayed: true, priority: 3, state: 'delayed' });
    await expect(jobs).not.toHaveQueuedEmail({ subject: 'Later', priority: 1 });
    await expect(jobs[1]).toHaveQueuedEmail({ subject: /Lat/ });
    await expect([]).not.toHaveQueuedEmail();
  });

  it('refuses what is not a queued job, and the sent-mail matchers refuse queued jobs', async () => {
    const job = await entry('1', { subject: 'x', to: ['a@example.com'] });
    await expect(expect([{ subject: 'x' }]).toHaveQueuedEmail()).rejects.toThrow(/takes the queued jobs/);
    await expect(expect([job]).toHaveQueuedEmail({ subjct: 'x' } as never)).rejects.toThrow(/unknown criteria subjct/);
    expect(() => toSentEmails([job])).toThrow(/queued job, not sent mail/);
  });
});
