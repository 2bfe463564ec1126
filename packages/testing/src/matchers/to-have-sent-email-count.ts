import { describeSent } from './describe-sent.js';
import { toSentEmails } from './to-sent-emails.js';
import type { MatcherContext, MatcherResult } from './types.js';

/**
 * Passes when exactly `count` messages were sent.
 *
 * @example
 * ```ts
 * expect(smtp).toHaveSentEmailCount(2);
 * ```
 */
export function toHaveSentEmailCount(this: MatcherContext, received: unknown, count: number): MatcherResult {
  if (!Number.isInteger(count) || count < 0) {
    throw new TypeError(`toHaveSentEmailCount() takes a whole number >= 0; got ${String(count)}.`);
  }
  const sent = toSentEmails(received);
  const pass = sent.length === count;
  return {
    pass,
    message: () =>
      pass
        ? `Expected a number of emails other than ${count}. ${describeSent(sent)}`
        : `Expected ${count} email${count === 1 ? '' : 's'} to be sent. ${describeSent(sent)}`,
    actual: sent.length,
    expected: count,
  };
}
