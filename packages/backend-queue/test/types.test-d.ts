import {
  type DeliverLaterOptions,
  deliverLater,
  EmailBackend,
  type MailWorker,
  openQueue,
  type QueueBackendOptions,
  type QueueCounts,
  startWorker,
} from '@mail/backend-queue';
import { type BaseEmailBackend, EmailMessage, EmailMultiAlternatives } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('types', () => {
  it('deliverLater takes a delay or a time, not both, and returns the message it was given', () => {
    const alt = new EmailMultiAlternatives({ subject: 'x' });
    expectTypeOf(deliverLater(alt, { delay: 1000 })).toEqualTypeOf<EmailMultiAlternatives>();
    expectTypeOf(deliverLater(new EmailMessage(), { at: new Date(), priority: 2 })).toEqualTypeOf<EmailMessage>();
    deliverLater(alt, { at: Date.now() + 1000 });
    deliverLater(alt, { priority: 1 });
    // @ts-expect-error: delay and at together
    deliverLater(alt, { delay: 1000, at: new Date() });
    // @ts-expect-error: a delay is a number of ms
    deliverLater(alt, { delay: '1h' });
    // @ts-expect-error: not a message
    deliverLater({ subject: 'x' }, { delay: 1 });
    expectTypeOf<DeliverLaterOptions>().toHaveProperty('priority');
  });

  it('the backend is a backend; its options are typed', () => {
    expectTypeOf(
      new EmailBackend({ redis: 'redis://localhost:6379', deliverWith: 'smtp' }),
    ).toMatchTypeOf<BaseEmailBackend>();
    new EmailBackend({ redis: { host: 'localhost', port: 6379 }, queue: 'mail', delay: 0, priority: 3, sync: false });
    // @ts-expect-error: redis is a URL or ioredis options
    new EmailBackend({ redis: 6379 });
    expectTypeOf<QueueBackendOptions['deliverWith']>().toEqualTypeOf<string | undefined>();
  });

  it('startWorker and openQueue', () => {
    expectTypeOf(startWorker({ redis: 'redis://localhost:6379', concurrency: 2 })).toEqualTypeOf<Promise<MailWorker>>();
    expectTypeOf<MailWorker['close']>().returns.toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: redis is required
    startWorker({ queue: 'mail' });
    expectTypeOf(openQueue).returns.resolves.toHaveProperty('counts');
    expectTypeOf<QueueCounts>().toEqualTypeOf<{
      waiting: number;
      active: number;
      delayed: number;
      completed: number;
      failed: number;
    }>();
  });
});
