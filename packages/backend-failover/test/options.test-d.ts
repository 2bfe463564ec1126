import {
  EmailBackend,
  FailoverBackend,
  type FailoverBackendOptions,
  type FailoverError,
  type MemberFailure,
  RoundRobinBackend,
} from '@mail/backend-failover';
import { type BaseEmailBackend, getConnection, SendError } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('failover types', () => {
  it('takes mailers and retryAfter, and the common options', () => {
    expectTypeOf<FailoverBackendOptions['mailers']>().toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf<FailoverBackendOptions['retryAfter']>().toEqualTypeOf<number | undefined>();
    new FailoverBackend({ mailers: ['a', 'b'], retryAfter: 30, retry: 3, failSilently: true });
    new RoundRobinBackend({ mailers: ['a', 'b'] });
    // @ts-expect-error mailers is a list of aliases
    new FailoverBackend({ mailers: 'a' });
    // @ts-expect-error retryAfter is seconds, a number
    new FailoverBackend({ retryAfter: '60' });
    // @ts-expect-error a typo is caught
    new FailoverBackend({ mailer: ['a'] });
    void getConnection('failover', { mailers: ['a', 'b'] });
  });

  it('is a backend; EmailBackend is the failover one; its error is a SendError listing each member', () => {
    expectTypeOf<FailoverBackend>().toMatchTypeOf<BaseEmailBackend>();
    expectTypeOf<RoundRobinBackend>().toMatchTypeOf<BaseEmailBackend>();
    expectTypeOf(EmailBackend).toEqualTypeOf<typeof FailoverBackend>();
    expectTypeOf<FailoverError>().toMatchTypeOf<SendError>();
    expectTypeOf<FailoverError['failures']>().toEqualTypeOf<readonly MemberFailure[]>();
    expectTypeOf<MemberFailure>().toEqualTypeOf<{ member: string; error: unknown }>();
    expectTypeOf<FailoverBackend['members']>().toEqualTypeOf<readonly string[]>();
    void SendError;
  });
});
