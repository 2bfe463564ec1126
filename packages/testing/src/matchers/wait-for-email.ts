import { mismatches } from './match-criteria.js';
import { toHaveSentEmail } from './to-have-sent-email.js';
import { toSentEmails } from './to-sent-emails.js';
import type { EmailCriteria, MatcherContext, SentEmail } from './types.js';

/**
 * Resolves with the first sent message matching `criteria` (any message without criteria) once
 * it is there: for mail sent later, by a background job or a queue worker. `source` is what the
 * matchers take (the outbox, the SMTP fixture, an array). Rejects after `timeout` ms (default
 * 2000) with the matcher's failure message: what was wanted and every message that did arrive.
 *
 * @example
 * ```ts
 * await signUpInTheBackground('ann@example.com');
 * const mail = await waitForEmail(outbox, { to: 'ann@example.com', subject: /welcome/i });
 * ```
 */
export async function waitForEmail(
  source: unknown,
  criteria?: EmailCriteria,
  { timeout = 2000, interval = 10 }: { timeout?: number; interval?: number } = {},
  context: MatcherContext = {},
): Promise<SentEmail> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const sent = toSentEmails(source);
    const found =
      criteria === undefined ? sent[0] : sent.find((email) => mismatches(context, email, criteria).length === 0);
    if (found) return found;
    if (Date.now() >= deadline) {
      const result = toHaveSentEmail.call(context, source, criteria);
      throw Object.assign(new Error(`Waited ${timeout} ms. ${result.message()}`), { name: 'WaitForEmailError' });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
