import {
  type DeliveryReport,
  EmailMessage,
  type HookError,
  onBeforeSend,
  onFailed,
  onSent,
  type SendEvent,
  sendChannel,
} from '@mail/core';
import { expectTypeOf, test } from 'vitest';

test('hooks take an event and return a remover', () => {
  const off = onBeforeSend((event) => {
    expectTypeOf(event).toEqualTypeOf<SendEvent>();
    expectTypeOf(event.message).toEqualTypeOf<EmailMessage>();
    expectTypeOf(event.mailer).toEqualTypeOf<string | null>();
    expectTypeOf(event.backend).toEqualTypeOf<string>();
    expectTypeOf(event.delivery).toEqualTypeOf<DeliveryReport | undefined>();
  });
  expectTypeOf(off).toEqualTypeOf<() => void>();
  onBeforeSend(async () => false);
  onBeforeSend(({ message }) => new EmailMessage({ subject: message.subject }));
  onSent(async ({ delivery }) => void delivery?.messageId, { mailer: 'bulk' });
  onFailed(({ error }) => void error);
  // @ts-expect-error a before-send hook returns nothing, a boolean or a message
  onBeforeSend(() => 'skip');
  // @ts-expect-error the mailer is an alias
  onSent(() => {}, { mailer: 1 });
  // @ts-expect-error an after-send hook takes a function
  onFailed('log');
});

test('the delivery report and the hook error', () => {
  expectTypeOf<DeliveryReport['cancelled']>().toEqualTypeOf<true | undefined>();
  expectTypeOf<DeliveryReport['rejected'][number]>().toEqualTypeOf<{
    address: string;
    code: number | null;
    response: string;
  }>();
  expectTypeOf<HookError['hook']>().toEqualTypeOf<'onBeforeSend' | 'onSent' | 'onFailed'>();
  expectTypeOf<HookError['sent']>().toEqualTypeOf<number>();
  expectTypeOf(sendChannel.hasSubscribers).toEqualTypeOf<boolean>();
});
