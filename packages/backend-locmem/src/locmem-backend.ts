import {
  type BackendCapabilities,
  BaseEmailBackend,
  type DeliveryOutcome,
  type EmailMessage,
  type PreparedMessage,
} from '@mail/core';
import { outbox, type SentMessage } from './outbox.js';

/**
 * An email backend that keeps messages in memory, in {@link outbox}, as Django's
 * `locmem.EmailBackend` keeps them in `mail.outbox`: for tests. Each message is built first
 * (by the base class), so a header injection is rejected as it would be in production; what is
 * kept is a copy, so changing the message afterwards does not change what was "sent". Each kept
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
      const kept = copyMessage(prepared.message) as SentMessage;
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

/**
 * A copy of the message that later changes to the original do not reach: same class, own
 * properties copied, lists and plain objects (headers, attachment and alternative entries) one
 * level deeper. Content (strings, bytes) is shared: it is not changed in place by the API.
 */
function copyMessage(message: EmailMessage): EmailMessage {
  const copy = Object.create(Object.getPrototypeOf(message)) as EmailMessage;
  for (const key of Reflect.ownKeys(message)) {
    const descriptor = Object.getOwnPropertyDescriptor(message, key)!;
    if ('value' in descriptor) descriptor.value = copyValue(descriptor.value);
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}

function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? { ...item } : item));
  if (isPlainObject(value)) return { ...value };
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
