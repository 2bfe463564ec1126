import { describeOne, describeSent, pick } from './describe-sent.js';
import { checkCriteria, formatCriteria, mismatches } from './match-criteria.js';
import { toSentEmails } from './to-sent-emails.js';
import type { EmailCriteria, MatcherContext, MatcherResult } from './types.js';

/**
 * Passes when some sent message matches every given criterion (with no criteria: when anything
 * was sent). `received` is the locmem outbox, the SMTP fixture, one message of either, or an array.
 *
 * @example
 * ```ts
 * expect(outbox).toHaveSentEmail({ to: 'ann@example.com', subject: /welcome/i });
 * ```
 */
export function toHaveSentEmail(this: MatcherContext, received: unknown, criteria?: EmailCriteria): MatcherResult {
  const sent = toSentEmails(received);
  if (criteria === undefined) {
    const pass = sent.length > 0;
    return {
      pass,
      message: () =>
        pass ? `Expected no email to be sent. ${describeSent(sent)}` : 'Expected an email to be sent, but none was.',
      actual: sent.length,
      expected: pass ? 0 : '>= 1',
    };
  }
  checkCriteria(criteria, 'toHaveSentEmail');
  const results = sent.map((email) => mismatches(this, email, criteria));
  const index = results.findIndex((failed) => failed.length === 0);
  const pass = index >= 0;
  const keys = Object.keys(criteria);
  const wanted = formatCriteria(criteria);
  return {
    pass,
    message: () => {
      if (pass)
        return `Expected no email matching ${wanted}, but email ${index + 1} matches: ${describeOne(sent[index])}`;
      const closest = results.reduce((best, failed, i) => (failed.length < results[best].length ? i : best), 0);
      const hint = sent.length
        ? `\nClosest is email ${closest + 1}, which differs in: ${results[closest].join(', ')}.`
        : '';
      return `Expected an email matching ${wanted}.\n${describeSent(sent)}${hint}`;
    },
    actual: sent.length === 1 ? pick(sent[0], keys) : sent.map((email) => pick(email, keys)),
    expected: criteria,
  };
}
