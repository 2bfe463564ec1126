import { EmailBackend, type SmtpBackendOptions } from '@mail/backend-smtp';
import { configure, type PoolOptions, type RateLimit, type ResolvedPool, type Settings } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('pool and rateLimit option types', () => {
  it('pool is true/false or its limits; rateLimit is { messages, perMs }', () => {
    expectTypeOf<SmtpBackendOptions['pool']>().toEqualTypeOf<boolean | PoolOptions | null | undefined>();
    expectTypeOf<SmtpBackendOptions['rateLimit']>().toEqualTypeOf<RateLimit | null | undefined>();
    expectTypeOf<PoolOptions>().toEqualTypeOf<{
      maxConnections?: number;
      maxMessagesPerConnection?: number;
      idleTimeout?: number;
    }>();
    expectTypeOf<EmailBackend['pool']>().toEqualTypeOf<ResolvedPool | null>();
    new EmailBackend({ pool: true });
    new EmailBackend({
      pool: { maxConnections: 4, maxMessagesPerConnection: Number.POSITIVE_INFINITY, idleTimeout: 5 },
    });
    new EmailBackend({ pool: { maxConnections: 4 }, rateLimit: { messages: 1000, perMs: 1000 } });
    // @ts-expect-error a typo in a pool limit
    new EmailBackend({ pool: { maxConection: 4 } });
    // @ts-expect-error maxConnections is a number
    new EmailBackend({ pool: { maxConnections: '4' } });
    // @ts-expect-error rateLimit needs both messages and perMs
    new EmailBackend({ pool: true, rateLimit: { messages: 10 } });
    // @ts-expect-error pool is not a number of connections
    new EmailBackend({ pool: 4 });
  });

  it('the settings emailPool and emailRateLimit', () => {
    expectTypeOf<Settings['emailPool']>().toEqualTypeOf<boolean | Readonly<PoolOptions>>();
    expectTypeOf<Settings['emailRateLimit']>().toEqualTypeOf<Readonly<RateLimit> | null>();
    configure({ emailPool: { maxConnections: 2 }, emailRateLimit: { messages: 5, perMs: 1000 } });
    // @ts-expect-error a typo in a setting's key
    configure({ emailPool: { maxConections: 2 } });
    // @ts-expect-error perMs, not perMS
    configure({ emailRateLimit: { messages: 5, perMS: 1000 } });
  });
});
