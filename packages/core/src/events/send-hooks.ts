import type { EmailMessage } from '../message/email-message.js';
import type { SendEvent } from './send-events.js';

/**
 * A before-send hook: may change `event.message` in place, return another message to send
 * instead, or return `false` to cancel it (not sent, not counted, `delivery.cancelled`).
 */
export type BeforeSendHook = (
  event: SendEvent,
  // biome-ignore lint/suspicious/noConfusingVoidType: an `async` hook that returns nothing is a Promise<void>
) => void | boolean | EmailMessage | Promise<void | boolean | EmailMessage>;

/** An after-send hook (`event.delivery` set) or after-failure hook (`event.error` set). */
export type AfterSendHook = (event: SendEvent) => void | Promise<void>;

/** Where a hook applies. */
export interface HookOptions {
  /** Only sends through this `mailers` alias; every send when omitted. */
  mailer?: string;
}

export type HookKind = 'onBeforeSend' | 'onSent' | 'onFailed';

interface Registered {
  fn: (event: SendEvent) => unknown;
  mailer: string | undefined;
}

type Registry = Record<HookKind, Registered[]>;

// One registry per process, shared by every copy of @mail/core (ESM and CJS side by side, or a
// third-party backend's own copy), like the channel, which is global by name.
const KEY = Symbol.for('@mail/core.send-hooks');
const registry: Registry = ((globalThis as { [KEY]?: Registry })[KEY] ??= {
  onBeforeSend: [],
  onSent: [],
  onFailed: [],
});

function register(kind: HookKind, fn: unknown, options: HookOptions | undefined): () => void {
  if (typeof fn !== 'function')
    throw new TypeError(`${kind}() takes a function, got ${fn === null ? 'null' : typeof fn}.`);
  const mailer = options?.mailer;
  if (mailer !== undefined && typeof mailer !== 'string')
    throw new TypeError(`${kind}(fn, { mailer }) takes a mailer alias (a string).`);
  const entry: Registered = { fn: fn as Registered['fn'], mailer };
  // Copy on write: a hook removed while a send runs does not shift the list that send walks.
  registry[kind] = [...registry[kind], entry];
  return () => {
    registry[kind] = registry[kind].filter((e) => e !== entry);
  };
}

/** Whether any hook is registered (the send path skips all of this when none is). */
export function hasHooks(): boolean {
  return registry.onBeforeSend.length + registry.onSent.length + registry.onFailed.length > 0;
}

/** The hooks of a kind that apply to a send through `mailer`, in registration order. */
export function hooksFor(kind: HookKind, mailer: string | null): Registered['fn'][] {
  if (registry[kind].length === 0) return [];
  return registry[kind].filter((e) => e.mailer === undefined || e.mailer === mailer).map((e) => e.fn);
}

/**
 * Run `fn` before each message is sent (globally, or for one mailer with `{ mailer }`); async
 * hooks are awaited, in registration order. Return `false` to cancel the message, or a message
 * to send instead. A hook that throws stops the batch before anything of it is sent
 * (`sendMessages()` rejects with a HookError, whatever `failSilently` says).
 * @returns a function that removes the hook.
 * @example
 * ```ts
 * const off = onBeforeSend(({ message }) => {
 *   if (message.to.some((a) => a.endsWith('@unsubscribed.example'))) return false;
 *   message.headers['X-Campaign'] = 'winter';
 * });
 * ```
 */
export function onBeforeSend(fn: BeforeSendHook, options?: HookOptions): () => void {
  return register('onBeforeSend', fn, options);
}

/**
 * Run `fn` after each message is delivered (`event.delivery` set). Awaited; a hook that throws
 * makes `sendMessages()` reject with a HookError saying how many messages were sent.
 * @returns a function that removes the hook.
 */
export function onSent(fn: AfterSendHook, options?: HookOptions): () => void {
  return register('onSent', fn, options);
}

/**
 * Run `fn` after each message fails (`event.error` set), also under `failSilently`. Awaited; a
 * hook that throws is reported: with the delivery error when the batch rejects, else as a HookError.
 * @returns a function that removes the hook.
 */
export function onFailed(fn: AfterSendHook, options?: HookOptions): () => void {
  return register('onFailed', fn, options);
}
