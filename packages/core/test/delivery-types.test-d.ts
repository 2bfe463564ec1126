import type { DeliveryDetails, DeliveryOutcome, DeliveryReport, PreparedMessage, RejectedRecipient } from '@mail/core';
import { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('message.delivery is typed', () => {
  it('is a DeliveryReport or null, on every message class', () => {
    expectTypeOf(new EmailMessage().delivery).toEqualTypeOf<DeliveryReport | null>();
    expectTypeOf(new EmailMultiAlternatives().delivery).toEqualTypeOf<DeliveryReport | null>();
  });

  it('has the fields of API.md', () => {
    expectTypeOf<DeliveryReport['messageId']>().toEqualTypeOf<string>();
    expectTypeOf<DeliveryReport['accepted']>().toEqualTypeOf<string[]>();
    expectTypeOf<DeliveryReport['rejected']>().toEqualTypeOf<RejectedRecipient[]>();
    expectTypeOf<RejectedRecipient>().toEqualTypeOf<{ address: string; code: number | null; response: string }>();
    expectTypeOf<DeliveryReport['response']>().toEqualTypeOf<string | null>();
    expectTypeOf<DeliveryReport['mailer']>().toEqualTypeOf<string | null>();
    expectTypeOf<DeliveryReport['backend']>().toEqualTypeOf<string>();
    expectTypeOf<DeliveryReport['attempts']>().toEqualTypeOf<number>();
    expectTypeOf<DeliveryReport['cancelled']>().toEqualTypeOf<true | undefined>();
  });

  it('a backend reports details through its outcome', () => {
    expectTypeOf<DeliveryOutcome['delivered']>().toEqualTypeOf<
      (message: PreparedMessage, details?: DeliveryDetails) => void
    >();
    const details: DeliveryDetails = { accepted: ['a@example.com'], response: '250 ok' };
    void details;
    // @ts-expect-error a refusal has an address, a code and a response
    const bad: DeliveryDetails = { rejected: [{ address: 'a@example.com' }] };
    void bad;
  });
});
