import { describeOne } from './describe-sent.js';
import { formatCriteria, matchContent } from './match-criteria.js';
import { parseMimetype } from './mimetype.js';
import { toSentEmails } from './to-sent-emails.js';
import type { Matchable, MatcherContext, MatcherResult } from './types.js';

/**
 * Passes when the message has an alternative of `mimetype` (e.g. `'text/html'`) whose content,
 * when given, matches. Given several messages, passes when one of them does. A mimetype without
 * parameters matches whatever parameters the alternative has (`'text/calendar'` matches
 * `'text/calendar; method=REQUEST'`); each parameter given must be there with that value, others
 * (such as the `charset` a sent part carries) don't matter.
 *
 * @example
 * ```ts
 * expect(outbox[0]).toHaveAlternative('text/html', /<a href="https:\/\/example.com\/reset/);
 * ```
 */
export function toHaveAlternative(
  this: MatcherContext,
  received: unknown,
  mimetype: string,
  content?: Matchable,
): MatcherResult {
  if (typeof mimetype !== 'string' || mimetype === '')
    throw new TypeError("toHaveAlternative() takes a mimetype such as 'text/html'.");
  const sent = toSentEmails(received);
  const wanted = parseMimetype(mimetype);
  // `'text/calendar'` matches an alternative sent as `'text/calendar; method=REQUEST'`; the
  // parameters given must all be there (a received part also has the charset it was sent in).
  const fits = (m: string) => {
    const actual = parseMimetype(m);
    return (
      actual.type === wanted.type && [...wanted.params].every(([name, value]) => actual.params.get(name) === value)
    );
  };
  const pass = sent.some((email) =>
    email.alternatives.some(
      (a) => fits(a.mimetype) && (content === undefined || matchContent(this, a.content, content)),
    ),
  );
  const listing = sent.map((email, i) => `  ${i + 1}. ${describeOne(email)}`).join('\n') || 'No email was sent.';
  const described = content === undefined ? mimetype : `${mimetype} with ${formatCriteria(content)}`;
  return {
    pass,
    message: () => `Expected ${pass ? 'no' : 'an'} alternative ${described}.\n${listing}`,
    actual: sent.flatMap((email) => email.alternatives),
    expected: content === undefined ? { mimetype } : { mimetype, content },
  };
}
