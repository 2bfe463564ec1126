import { toHaveAlternative } from './to-have-alternative.js';
import { toHaveAttachment } from './to-have-attachment.js';
import { toHaveHeader } from './to-have-header.js';
import { toHaveQueuedEmail } from './to-have-queued-email.js';
import { toHaveSentEmail } from './to-have-sent-email.js';
import { toHaveSentEmailCount } from './to-have-sent-email-count.js';

export { describeSent } from './describe-sent.js';
export { isQueuedEntry, type QueuedEmailCriteria, type QueuedEntryLike } from './to-have-queued-email.js';
export { toSentEmails } from './to-sent-emails.js';
export type {
  AsymmetricMatcherLike,
  AttachmentCriteria,
  EmailCriteria,
  Matchable,
  MatcherContext,
  MatcherResult,
  SentAttachment,
  SentEmail,
} from './types.js';
export { waitForEmail } from './wait-for-email.js';
export { toHaveAlternative, toHaveAttachment, toHaveHeader, toHaveQueuedEmail, toHaveSentEmail, toHaveSentEmailCount };

/**
 * Every matcher, ready for `expect.extend(mailMatchers)` (which `import '@mail/testing/vitest'` does).
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * import { mailMatchers } from '@mail/testing';
 * expect.extend(mailMatchers);
 * ```
 */
export const mailMatchers = {
  toHaveSentEmail,
  toHaveSentEmailCount,
  toHaveHeader,
  toHaveAttachment,
  toHaveAlternative,
  toHaveQueuedEmail,
};
