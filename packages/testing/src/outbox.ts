/** Where `@mail/backend-locmem` keeps its outbox: one array per process, shared by ESM and CJS copies. */
export const OUTBOX_KEY: unique symbol = Symbol.for('@mail/backend-locmem.outbox') as never;

/**
 * The locmem outbox (the same array `@mail/backend-locmem` exports as `outbox`), created when
 * the backend has not been loaded yet, so a test can hold it before anything is sent.
 *
 * @example
 * ```ts
 * const outbox = getOutbox();
 * outbox.length = 0;
 * ```
 */
export function getOutbox<T = unknown>(): T[] {
  const store = globalThis as unknown as Record<symbol, T[] | undefined>;
  store[OUTBOX_KEY] ??= [];
  return store[OUTBOX_KEY];
}

/** Empty the locmem outbox in place (references to it stay valid). */
export function clearOutbox(): void {
  getOutbox().length = 0;
}
