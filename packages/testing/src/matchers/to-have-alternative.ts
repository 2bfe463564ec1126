import { describeOne } from './describe-sent.js';
import { formatCriteria, matchContent } from './match-criteria.js';
import { toSentEmails } from './to-sent-emails.js';
import type { Matchable, MatcherContext, MatcherResult } from './types.js';

/** Lowercase, quotes and the blanks around `/`, `;` and `=` dropped, no trailing `;` (for comparing). */
function normalizeMimetype(mimetype: string): string {
  return mimetype.toLowerCase().replace(/"/g, '').replace(/\s*([/;=])\s*/g, '$1').replace(/;+$/, '').trim();
}

/**
 * Passes when the message has an alternative of `mimetype` (e.g. `'text/html'`) whose content,
 * when given, matches. Given several messages, passes when one of them does. A mimetype without
 * parameters matches whatever parameters the alternative has (`'text/calendar'` matches
 * `'text/calendar; method=REQUEST'`); one with parameters must match them all.
 *
 * @example
 * ```ts
 * expect(outbox[0]).toHaveAlternative('text/html', /<a href="https:\/\/example.com\/reset/);
 * ```
 */
export function toHaveAlternative(this: MatcherContext, received: unknown, mimetype: string, content?: Matchable): MatcherResult {
  if (typeof mimetype !== 'string' || mimetype === '') throw new TypeError("toHaveAlternative() takes a mimetype such as 'text/html'.");
  const sent = toSentEmails(received);
  const type = normalizeMimetype(mimetype);
  // `'text/calendar'` matches an alternative sent as `'text/calendar; method=REQUEST'`; a mimetype
  // given with parameters must match them all.
  const compare = type.includes(';') ? normalizeMimetype : (m: string) => normalizeMimetype(m).split(';')[0];
  const pass = sent.some((email) =>
    email.alternatives.some((a) => compare(a.mimetype) === type && (content === undefined || matchContent(this, a.content, content))),
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
