import { describeOne } from './describe-sent.js';
import { formatCriteria, matchContent } from './match-criteria.js';
import { toSentEmails } from './to-sent-emails.js';
import type { Matchable, MatcherContext, MatcherResult } from './types.js';

/**
 * Passes when the message has an alternative of `mimetype` (e.g. `'text/html'`) whose content,
 * when given, matches. Given several messages, passes when one of them does.
 *
 * @example
 * ```ts
 * expect(outbox[0]).toHaveAlternative('text/html', /<a href="https:\/\/example.com\/reset/);
 * ```
 */
export function toHaveAlternative(this: MatcherContext, received: unknown, mimetype: string, content?: Matchable): MatcherResult {
  if (typeof mimetype !== 'string' || mimetype === '') throw new TypeError("toHaveAlternative() takes a mimetype such as 'text/html'.");
  const sent = toSentEmails(received);
  const type = mimetype.toLowerCase();
  const pass = sent.some((email) =>
    email.alternatives.some((a) => a.mimetype.toLowerCase() === type && (content === undefined || matchContent(this, a.content, content))),
  );
  const listing = sent.map((email, i) => `  ${i + 1}. ${describeOne(email)}`).join('\n') || 'No email was sent.';
  const wanted = content === undefined ? mimetype : `${mimetype} with ${formatCriteria(content)}`;
  return {
    pass,
    message: () => `Expected ${pass ? 'no' : 'an'} alternative ${wanted}.\n${listing}`,
    actual: sent.flatMap((email) => email.alternatives),
    expected: content === undefined ? { mimetype } : { mimetype, content },
  };
}
