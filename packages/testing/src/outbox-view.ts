import { AsyncLocalStorage } from 'node:async_hooks';
import { getOutbox } from './outbox.js';

/**
 * Where the locmem backend finds the outbox view of the code running now (a registered symbol,
 * so every copy of @mail/core, @mail/backend-locmem and @mail/testing shares it).
 */
export const OUTBOX_VIEWS_KEY: unique symbol = Symbol.for('@mail/core.outbox-views') as never;

const store = globalThis as typeof globalThis & { [OUTBOX_VIEWS_KEY]?: AsyncLocalStorage<unknown[]> };

/** The test's own outbox, carried through its async work (timers, promises, queued jobs it starts). */
const views: AsyncLocalStorage<unknown[]> = (store[OUTBOX_VIEWS_KEY] ??= new AsyncLocalStorage<unknown[]>());

/**
 * The outbox the running code sees: its own view inside {@link withOwnOutbox} (every test under
 * `useLocmemOutbox()`), else the global outbox.
 */
export function currentOutbox<T = unknown>(): T[] {
  return (views.getStore() ?? getOutbox()) as T[];
}

/**
 * Run `fn` with an outbox of its own: what the locmem backend keeps while it runs (and in the
 * async work it starts) goes to that view as well as to the global outbox.
 *
 * @example
 * ```ts
 * await withOwnOutbox(async () => {
 *   await sendMail({ … });
 *   currentOutbox().length; // 1, whatever runs beside it
 * });
 * ```
 */
export function withOwnOutbox<R>(fn: () => R): R {
  return views.run([], fn);
}

/**
 * An array that is, at every access, the {@link currentOutbox}: one object a test file can hold
 * while each concurrent test sees its own messages through it.
 */
export function outboxProxy<T = unknown>(): T[] {
  const current = () => currentOutbox<T>() as unknown as object;
  return new Proxy(getOutbox<T>(), {
    get: (_target, key) => {
      const view = current();
      const value = Reflect.get(view, key, view);
      return typeof value === 'function' ? value.bind(view) : value;
    },
    set: (_target, key, value) => Reflect.set(current(), key, value),
    has: (_target, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(current(), key),
    deleteProperty: (_target, key) => Reflect.deleteProperty(current(), key),
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(current(), key, descriptor),
  });
}
