import { outbox } from '@mail/backend-locmem';
import { closeProducers, deliverLater, type MailQueue, openQueue } from '@mail/backend-queue';
import { configure, EmailMessage, EmailMultiAlternatives, resetSettings, sendMail } from '@mail/core';
import '@mail/testing/vitest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasRedis, SKIP_MESSAGE, startRedis, type TestRedis } from './helpers/redis-server.js';

beforeEach(() => {
  resetSettings();
  outbox.length = 0;
});

describe('sync mode: no Redis, the job form, delivered at once', () => {
  it('lands in the locmem outbox, where the matchers see body, HTML and attachments', async () => {
    configure({ emailUrl: 'queue:?sync=true&deliverWith=locmem' });
    const message = new EmailMultiAlternatives({
      subject: 'Welcome',
      body: 'Hi Ann',
      fromEmail: 'app@example.com',
      to: ['ann@example.com'],
    });
    message.attachAlternative('<p>Hi <b>Ann</b></p>', 'text/html');
    message.attach('terms.txt', 'Be nice', 'text/plain');
    expect(await message.send()).toBe(1);
    expect(outbox).toHaveSentEmail({
      to: 'ann@example.com',
      body: 'Hi Ann',
      html: /<b>Ann<\/b>/,
      attachments: ['terms.txt'],
    });
    // Its bytes went through the job (JSON) and are what a worker would send.
    const raw = (await outbox[0]!.message().asBytes()).toString();
    expect(raw).toMatch(/^Content-Type: multipart\/mixed/m);
    expect(raw).toContain('Subject: Welcome');
  });

  it('a delivery failure reaches the caller', async () => {
    configure({ emailUrl: 'queue:?sync=true&deliverWith=nowhere-backend-xyz' });
    await expect(
      sendMail({ subject: 'x', message: 'y', fromEmail: null, recipientList: ['a@example.com'] }),
    ).rejects.toThrow(/deliverWith "nowhere-backend-xyz" is not a mailer/);
  });
});

describe.skipIf(!hasRedis)(
  `queued mail in tests, on a real redis-server${hasRedis ? '' : ` (${SKIP_MESSAGE})`}`,
  () => {
    let redis: TestRedis;
    let queue: MailQueue;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await queue?.close();
      await closeProducers();
      await redis?.stop();
    });

    it('toHaveQueuedEmail() asserts on queued (not sent) mail; drain() runs the queue now', async () => {
      configure({
        mailers: {
          default: { backend: 'queue', options: { redis: redis.url, queue: 'tests', deliverWith: 'outbox' } },
          outbox: { backend: 'locmem' },
        },
      });
      queue = await openQueue({ redis: redis.url, queue: 'tests' });
      await sendMail({
        subject: 'Welcome',
        message: 'Hi Ann',
        fromEmail: 'app@example.com',
        recipientList: ['ann@example.com'],
      });
      await deliverLater(
        new EmailMessage({
          subject: 'Reminder',
          body: 'Tomorrow',
          to: ['bob@example.com'],
          bcc: ['audit@example.com'],
        }),
        {
          delay: 60_000,
          priority: 5,
        },
      ).send();

      const jobs = await queue.jobs();
      await expect(jobs).toHaveQueuedEmail({
        to: 'ann@example.com',
        body: 'Hi Ann',
        deliverWith: 'outbox',
        delayed: false,
      });
      await expect(jobs).toHaveQueuedEmail({
        subject: 'Reminder',
        bcc: ['audit@example.com'],
        delayed: true,
        priority: 5,
      });
      await expect(jobs).not.toHaveQueuedEmail({ subject: 'Reminder', delayed: false });
      await expect(expect(jobs).toHaveQueuedEmail({ subject: 'Nope' })).rejects.toThrow(
        /Closest is job \d+, which differs in: subject/,
      );
      // Queued is not sent.
      expect(outbox).toHaveSentEmailCount(0);
      expect(() => expect(jobs).toHaveSentEmail()).toThrow(/queued job, not sent mail: .*toHaveQueuedEmail/);

      expect(await queue.drain()).toEqual({ completed: 2, failed: 0 });
      expect(outbox).toHaveSentEmail({ subject: 'Reminder', to: 'bob@example.com' });
      expect(outbox).toHaveSentEmailCount(2);
      await expect(await queue.jobs()).not.toHaveQueuedEmail();
    });
  },
);
