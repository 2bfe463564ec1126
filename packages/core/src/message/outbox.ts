import type { EmailMessage } from './email-message.js';

/** A message kept by the locmem backend: a copy of what was sent, with the mailer alias it went through. */
export type SentMessage = EmailMessage & {
  /** The `mailers` alias of the backend that sent it, or null when it was not sent through a mailer. */
  sentUsing: string | null;
};

/**
 * The registered symbol `globalThis` holds the outbox under: every copy of @mail/core, of
 * @mail/backend-locmem and of @mail/testing (ESM and CJS side by side, or two versions) finds the
 * same array. The key keeps the name it had when the outbox lived in @mail/backend-locmem, so
 * copies from before the move share it too.
 */
export const OUTBOX_KEY: unique symbol = Symbol.for('@mail/backend-locmem.outbox') as never;

const store = globalThis as typeof globalThis & { [OUTBOX_KEY]?: SentMessage[] };

/**
 * The messages sent through the locmem backend, oldest first, as Django keeps them in
 * `django.core.mail.outbox`: a plain array, one per process. Empty it with `outbox.length = 0`.
 * `@mail/backend-locmem` exports the same array as `outbox`.
 *
 * @example
 * ```ts
 * import { outbox } from '@mail/core';
 * beforeEach(() => { outbox.length = 0; });
 * test('sends a welcome mail', async () => {
 *   await signUp('ann@example.com');
 *   expect(outbox).toHaveLength(1);
 *   expect(outbox[0].subject).toBe('Welcome');
 * });
 * ```
 */
export const outbox: SentMessage[] = (store[OUTBOX_KEY] ??= []);
