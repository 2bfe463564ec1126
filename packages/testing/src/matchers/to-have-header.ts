import { describeOne } from './describe-sent.js';
import { formatCriteria } from './match-criteria.js';
import { matchText } from './match-value.js';
import { toSentEmails } from './to-sent-emails.js';
import type { Matchable, MatcherContext, MatcherResult } from './types.js';

/**
 * Passes when the message has the header `name` (case-insensitive) and, when `value` is given,
 * its value matches (a string exactly, a RegExp, or an asymmetric matcher). Given several
 * messages, passes when one of them does.
 *
 * @example
 * ```ts
 * expect(outbox[0]).toHaveHeader('X-Campaign', 'spring');
 * ```
 */
export function toHaveHeader(this: MatcherContext, received: unknown, name: string, value?: Matchable): MatcherResult {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('toHaveHeader() takes a header name as its first argument.');
  const sent = toSentEmails(received);
  const values = sent.map((email) => email.header(name));
  const pass = values.some((actual) => actual !== undefined && (value === undefined || matchText(this, actual, value)));
  const wanted = value === undefined ? `a ${name} header` : `${name}: ${formatCriteria(value)}`;
  return {
    pass,
    message: () => {
      const found = sent.map(
        (email, i) =>
          `  ${i + 1}. ${name}: ${values[i] === undefined ? '(absent)' : JSON.stringify(values[i])} in ${describeOne(email)}`,
      );
      return `Expected ${pass ? 'no message with' : 'a message with'} ${wanted}.\n${found.join('\n') || 'No email was sent.'}`;
    },
    actual: values.length === 1 ? values[0] : values,
    expected: value ?? name,
  };
}
