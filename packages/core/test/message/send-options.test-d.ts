import { EmailMessage, type SendMailOptions, type SendOptions } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('send() options', () => {
  it('take using: null as the wrappers do (Django: using=None means the default connection)', () => {
    const alias: string | null = null;
    void new EmailMessage().send({ using: alias, failSilently: true });
    expectTypeOf<SendOptions['using']>().toEqualTypeOf<SendMailOptions['using']>();
    // @ts-expect-error an alias is a string
    void new EmailMessage().send({ using: 42 });
  });
});
