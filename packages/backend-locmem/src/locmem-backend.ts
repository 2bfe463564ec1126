import { type BackendCapabilities, BaseEmailBackend, type DeliveryOutcome, type PreparedMessage } from '@mail/core';
import { outbox, type SentMessage } from './outbox.js';

/**
 * An email backend that keeps messages in memory, in {@link outbox}, as Django's
 * `locmem.EmailBackend` keeps them in `mail.outbox`: for tests. Each message is built first
 * (by the base class), so a header injection is rejected as it would be in production; what is
 * kept is a copy taken when `sendMessages()` (or `send()`) was called, so changing the message
 * afterwards, even while the send is under way, does not change what was "sent". Each kept
 * copy records `sentUsing`: the `mailers` alias it went through, or null.
 *
 * @example
 * ```ts
 * import { configure, sendMail } from '@mail/core';
 * import { outbox } from '@mail/backend-locmem';
 * configure({ emailBackend: 'locmem' });
 * await sendMail({ subject: 'Hi', message: 'Hello', recipientList: ['to@example.com'] });
 * outbox[0].subject; // 'Hi'
 * ```
 */
export class LocmemBackend extends BaseEmailBackend {
  /** The name in send events and delivery reports. */
  static override readonly backendName: string = 'locmem';
  /** The options this backend accepts (a mailer entry with any other option is a configuration error). */
  static override readonly optionNames: readonly string[] = [];

  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: false };

  protected override async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome): Promise<void> {
    for (const prepared of batch) {
      // The copy taken when sendMessages() was called: later changes to the message do not reach it.
      const kept = prepared.snapshot as SentMessage;
      kept.sentUsing = this.alias;
      outbox.push(kept);
      viewOfRunningTest()?.push(kept);
      outcome.delivered(prepared);
      kept.delivery = prepared.message.delivery; // the kept copy carries the report too
    }
  }
}

/**
 * The outbox view of the test running now, when @mail/testing gave it one (`useLocmemOutbox()`
 * runs each test in an AsyncLocalStorage holding its own array, so concurrent tests each see
 * only their own mail). Found through a registered symbol, so any copy of either package shares it.
 */
const VIEWS_KEY = Symbol.for('@mail/core.outbox-views');
function viewOfRunningTest(): SentMessage[] | undefined {
  const views = (globalThis as { [VIEWS_KEY]?: { getStore(): SentMessage[] | undefined } })[VIEWS_KEY];
  return views?.getStore();
}
