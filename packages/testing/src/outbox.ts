import { OUTBOX_KEY, outbox } from '@mail/core';

/** Where the outbox lives on `globalThis` (owned by @mail/core; re-exported for compatibility). */
export { OUTBOX_KEY };

/**
 * The locmem outbox (`outbox` of `@mail/core`, the same array `@mail/backend-locmem` exports),
 * there before anything is sent, so a test can hold it.
 *
 * @example
 * ```ts
 * const outbox = getOutbox();
 * outbox.length = 0;
 * ```
 */
export function getOutbox<T = unknown>(): T[] {
  return outbox as unknown as T[];
}

/** Empty the locmem outbox in place (references to it stay valid). */
export function clearOutbox(): void {
  outbox.length = 0;
}
