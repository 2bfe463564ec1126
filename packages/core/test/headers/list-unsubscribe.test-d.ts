import { EmailMessage, type ListUnsubscribe } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('listUnsubscribe types', () => {
  it('is an option and a public property', () => {
    const m = new EmailMessage({ listUnsubscribe: { url: 'https://x.example/u', oneClick: true } });
    expectTypeOf(m.listUnsubscribe).toEqualTypeOf<ListUnsubscribe | null>();
    expectTypeOf<ListUnsubscribe>().toEqualTypeOf<{ url?: string; mailto?: string; oneClick?: boolean }>();
    // @ts-expect-error oneClick is a boolean
    new EmailMessage({ listUnsubscribe: { url: 'https://x.example/u', oneClick: 'yes' } });
    // @ts-expect-error a string is not the shape
    new EmailMessage({ listUnsubscribe: 'https://x.example/u' });
  });
});
