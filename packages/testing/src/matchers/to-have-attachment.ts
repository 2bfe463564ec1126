import { describeOne } from './describe-sent.js';
import { formatCriteria, matchAttachment } from './match-criteria.js';
import { toSentEmails } from './to-sent-emails.js';
import type { AttachmentCriteria, Matchable, MatcherContext, MatcherResult } from './types.js';

/**
 * Passes when the message has an attachment named `filename` (a string, RegExp or asymmetric
 * matcher) that also meets `criteria` (`contentType`, `content`). Given several messages,
 * passes when one of them does.
 *
 * @example
 * ```ts
 * expect(outbox[0]).toHaveAttachment('report.pdf', { contentType: 'application/pdf' });
 * ```
 */
export function toHaveAttachment(
  this: MatcherContext,
  received: unknown,
  filename: Matchable,
  criteria: Omit<AttachmentCriteria, 'filename'> = {},
): MatcherResult {
  const sent = toSentEmails(received);
  const wanted: AttachmentCriteria = { ...criteria, filename };
  const pass = sent.some((email) => email.attachments.some((attachment) => matchAttachment(this, attachment, wanted)));
  const listing = sent.map((email, i) => `  ${i + 1}. ${describeOne(email)}`).join('\n') || 'No email was sent.';
  const attachments = sent.flatMap((email) =>
    email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType })),
  );
  return {
    pass,
    message: () => `Expected ${pass ? 'no' : 'an'} attachment ${formatCriteria(wanted)}.\n${listing}`,
    actual: attachments,
    expected: wanted,
  };
}
