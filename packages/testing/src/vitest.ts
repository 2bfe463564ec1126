/**
 * `import '@mail/testing/vitest'` registers the mail matchers with vitest's `expect` and types
 * them; `useLocmemOutbox()` points the default connection at locmem and empties the outbox
 * before each test, as Django's test runner does.
 *
 * @example
 * ```ts
 * import { useLocmemOutbox } from '@mail/testing/vitest';
 * const outbox = useLocmemOutbox();
 * it('welcomes', async () => {
 *   await signUp('ann@example.com');
 *   expect(outbox).toHaveSentEmail({ to: 'ann@example.com', subject: /welcome/i });
 * });
 * ```
 * @packageDocumentation
 */
import { configure } from '@mail/core';
import { aroundEach, beforeEach, expect } from 'vitest';
import {
  type AttachmentCriteria,
  type EmailCriteria,
  type Matchable,
  mailMatchers,
  type QueuedEmailCriteria,
} from './matchers/index.js';
import { clearOutbox, getOutbox } from './outbox.js';
import { currentOutbox, outboxProxy, withOwnOutbox } from './outbox-view.js';

expect.extend(mailMatchers);

/** The matchers `@mail/testing/vitest` adds to `expect(...)`. */
export interface MailMatchers<R = unknown> {
  /** Some sent message matches every given criterion; with none, something was sent. */
  toHaveSentEmail(criteria?: EmailCriteria): R;
  /** Exactly `count` messages were sent. */
  toHaveSentEmailCount(count: number): R;
  /** The message has header `name`, with a matching value when given. */
  toHaveHeader(name: string, value?: Matchable): R;
  /** The message has an attachment named `filename`, meeting `criteria` when given. */
  toHaveAttachment(filename: Matchable, criteria?: Omit<AttachmentCriteria, 'filename'>): R;
  /** The message has an alternative of `mimetype`, with matching content when given. */
  toHaveAlternative(mimetype: string, content?: Matchable): R;
  /** Some queued job (`await openQueue(…).jobs()`) matches; asynchronous: `await expect(jobs).toHaveQueuedEmail(…)`. */
  toHaveQueuedEmail(criteria?: QueuedEmailCriteria): Promise<R>;
}

declare module 'vitest' {
  // vitest declares `Matchers<T = any>`; a merged declaration must repeat the same default.
  interface Matchers<T = any> extends MailMatchers<T> {}
}

/**
 * Before each test of the file (or `describe` block) it is called in: set the default
 * backend to `'locmem'` with `configure({ emailBackend: 'locmem' })` and empty the outbox; and
 * run each test with an outbox of its own, so tests that run at once (`test.concurrent`, or other
 * files in the same worker) never see each other's mail. Returns an array that is, in each test,
 * that test's outbox (the matchers read the global `outbox` of `@mail/backend-locmem` the same
 * way); outside a test it is the global outbox. Like Django's test runner it does not restore the
 * previous backend; a `mailers` setting, when configured, still wins.
 *
 * @example
 * ```ts
 * const outbox = useLocmemOutbox();
 * it.concurrent('sends one', async () => {
 *   await sendMail({ subject: 'Hi', message: 'Body', fromEmail: null, recipientList: ['a@example.com'] });
 *   expect(outbox).toHaveSentEmailCount(1);
 * });
 * ```
 */
export function useLocmemOutbox<T = unknown>(): T[] {
  beforeEach(() => {
    configure({ emailBackend: 'locmem' });
    clearOutbox();
  });
  aroundEach((runTest) => withOwnOutbox(runTest));
  return outboxProxy<T>();
}

/** Same as {@link useLocmemOutbox}; the name Django users look for. */
export const setupMailTesting = useLocmemOutbox;

export { waitForEmail } from './matchers/wait-for-email.js';
export { clearOutbox, currentOutbox, getOutbox, mailMatchers, withOwnOutbox };
