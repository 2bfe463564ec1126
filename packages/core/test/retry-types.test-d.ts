import {
  type BaseEmailBackend,
  type CommonBackendOptions,
  configure,
  getConnection,
  type RetryOption,
  type RetryOptions,
  type RetryPolicy,
  type SendError,
  type SettingsInput,
} from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('retry is typed', () => {
  it('is a common backend option: a number of attempts or the options', () => {
    expectTypeOf<CommonBackendOptions['retry']>().toEqualTypeOf<RetryOption | null | undefined>();
    expectTypeOf<RetryOption>().toEqualTypeOf<number | RetryOptions>();
    expectTypeOf<RetryOptions>().toEqualTypeOf<{
      attempts?: number;
      minDelayMs?: number;
      maxDelayMs?: number;
      factor?: number;
      jitter?: boolean;
    }>();
    void getConnection('smtp', { retry: { attempts: 3, minDelayMs: 100, jitter: false } });
    const options: CommonBackendOptions = { retry: 3 };
    void options;
    // @ts-expect-error a typo in a key is caught
    const typo: CommonBackendOptions = { retry: { attempt: 3 } };
    void typo;
    // @ts-expect-error attempts is a number
    const wrong: CommonBackendOptions = { retry: { attempts: '3' } };
    void wrong;
  });

  it('is a setting, emailRetry', () => {
    expectTypeOf<SettingsInput['emailRetry']>().toEqualTypeOf<RetryOption | null | undefined>();
    configure({ emailRetry: { attempts: 2 } });
    // @ts-expect-error a typo in a key is caught
    configure({ emailRetry: { attemps: 2 } });
  });

  it('a backend shows its policy, and SendError says whether the server may have the message', () => {
    expectTypeOf<BaseEmailBackend['retry']>().toEqualTypeOf<RetryPolicy | null>();
    expectTypeOf<RetryPolicy['attempts']>().toEqualTypeOf<number>();
    expectTypeOf<SendError['maybeDelivered']>().toEqualTypeOf<boolean>();
  });
});
