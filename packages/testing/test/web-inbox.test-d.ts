import {
  type ChaosRequest,
  type ChaosTriggers,
  extractCodes,
  type InboxClient,
  type MailpitMessage,
  type SentEmail,
  type SmtpFaults,
  startInbox,
  waitForEmail,
  withOwnOutbox,
} from '@mail/testing';
import { expectTypeOf, test } from 'vitest';

test('startInbox() options and result', () => {
  expectTypeOf(startInbox).toBeCallableWith({ host: '127.0.0.1', port: 0, webPort: 0, max: 10 });
  // @ts-expect-error max is a number
  startInbox({ max: '10' });
  expectTypeOf<Awaited<ReturnType<typeof startInbox>>['smtp']>().toEqualTypeOf<{ host: string; port: number }>();
});

test('InboxClient speaks Mailpit shapes', () => {
  expectTypeOf<InboxClient['message']>().returns.resolves.toEqualTypeOf<MailpitMessage>();
  expectTypeOf<InboxClient['setChaos']>().returns.resolves.toEqualTypeOf<ChaosTriggers>();
  expectTypeOf<InboxClient['waitForMessage']>().toBeCallableWith({
    query: 'to:a@b.c',
    timeout: 100,
    since: new Date(),
  });
  // @ts-expect-error Drop.Stage is an SMTP stage
  const bad: ChaosRequest = { Drop: { Stage: 'later' } };
  expectTypeOf(bad).toEqualTypeOf<ChaosRequest>();
  expectTypeOf(extractCodes).parameter(0).toMatchTypeOf<{ text?: string | null }>();
});

test('faults.decide returns a reply, a drop or nothing', () => {
  expectTypeOf<NonNullable<SmtpFaults['decide']>>().returns.toEqualTypeOf<
    { code: number; message?: string } | 'drop' | undefined
  >();
});

test('waitForEmail takes criteria and a timeout, and resolves with a sent email', () => {
  expectTypeOf(waitForEmail).toBeCallableWith([], { to: 'a@example.com' }, { timeout: 100 });
  expectTypeOf(waitForEmail).returns.resolves.toEqualTypeOf<SentEmail>();
  // @ts-expect-error a criterion the matchers do not know
  waitForEmail([], { recipient: 'a@example.com' });
  expectTypeOf(withOwnOutbox(() => 1)).toEqualTypeOf<number>();
});
