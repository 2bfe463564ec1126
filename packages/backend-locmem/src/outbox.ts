import type { EmailMessage } from '@mail/core';

/** A message kept by the locmem backend: a copy of what was sent, with the mailer alias it went through. */
export type SentMessage = EmailMessage & {
  /** The `mailers` alias of the backend that sent it, or null when it was not sent through a mailer. */
  sentUsing: string | null;
};

/** Registered symbol: every copy of this package (ESM and CJS side by side) finds the same array. */
const OUTBOX_KEY = Symbol.for('@mail/backend-locmem.outbox');

const store = globalThis as typeof globalThis & { [OUTBOX_KEY]?: SentMessage[] };

/**
 * The messages sent through the locmem backend, oldest first: a plain array, one per process
 * (even with ESM and CJS copies of this package loaded). Empty it with `outbox.length = 0`.
 *
 * @example
 * ```ts
 * import { outbox } from '@mail/backend-locmem';
 * beforeEach(() => { outbox.length = 0; });
 * test('sends a welcome mail', async () => {
 *   await signUp('ann@example.com');
 *   expect(outbox).toHaveLength(1);
 *   expect(outbox[0].subject).toBe('Welcome');
 * });
 * ```
 */
export const outbox: SentMessage[] = (store[OUTBOX_KEY] ??= []);
