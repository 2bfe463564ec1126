import { getOutbox } from '../outbox.js';
import { currentOutbox } from '../outbox-view.js';
import type { ReceivedMessage } from '../smtp-fixture/types.js';
import { fromOutboxEntry, isOutboxEntry } from './from-outbox-entry.js';
import { fromReceivedMessage, isReceivedMessage } from './from-received-message.js';
import { isQueuedEntry } from './to-have-queued-email.js';
import type { SentEmail } from './types.js';

/**
 * Turn what a matcher was given into a list of {@link SentEmail}s: the locmem outbox (an array
 * of `EmailMessage`s), one outbox entry, the SMTP fixture (its `messages`), one fixture
 * message, or an array mixing these. Anything else is a `TypeError` that says what fits.
 *
 * @example
 * ```ts
 * const sent = toSentEmails(outbox);
 * sent[0].to; // ['Ann <ann@example.com>']
 * ```
 */
export function toSentEmails(subject: unknown): SentEmail[] {
  // The global outbox means the running test's own view of it (see useLocmemOutbox()).
  if (subject === getOutbox()) subject = currentOutbox();
  if (Array.isArray(subject)) return subject.flatMap((item) => toSentEmails(item));
  if (isOutboxEntry(subject)) return [fromOutboxEntry(subject)];
  if (isReceivedMessage(subject)) return [fromReceivedMessage(subject)];
  if (isQueuedEntry(subject)) {
    throw new TypeError(
      "This is a queued job, not sent mail: assert on it with toHaveQueuedEmail(), or run the queue first (openQueue(…).drain(), or the backend's sync option) and look at the outbox.",
    );
  }
  const fixture = subject as { messages?: unknown } | null;
  if (typeof fixture === 'object' && fixture !== null && Array.isArray(fixture.messages)) {
    return (fixture.messages as ReceivedMessage[]).map(fromReceivedMessage);
  }
  throw new TypeError(
    `Expected the locmem outbox, an outbox entry, the SMTP fixture, a fixture message or an array of these; got ${describeValue(subject)}.`,
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `${typeof value} ${String(value).slice(0, 40)}`;
  return `an object with keys ${Object.keys(value).slice(0, 6).join(', ') || '(none)'}`;
}
