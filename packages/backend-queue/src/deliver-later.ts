import type { EmailMessage } from '@mail/core';

/** When a queued message may be sent: after a delay, or at a time. Not both. */
export type DeliverWhen =
  | { /** Milliseconds from now. */ delay: number; at?: never }
  | { /** The earliest time to send (a Date or ms since the epoch). */ at: Date | number; delay?: never }
  | { delay?: never; at?: never };

/**
 * Per-message queue options, as Laravel's `later()` / Rails' `deliver_later(wait:, priority:)`:
 * when to send and how urgently. Given to {@link deliverLater}; they override the queue
 * backend's `delay` and `priority` options for that message.
 */
export type DeliverLaterOptions = DeliverWhen & {
  /**
   * BullMQ's priority: 1 is the most urgent, larger numbers wait behind smaller ones, up to
   * 2 097 152; leave it out for the default (before every prioritised job).
   */
  priority?: number;
};

const LATER: unique symbol = Symbol.for('@mail/backend-queue.later') as never;

type Tagged = EmailMessage & { [LATER]?: DeliverLaterOptions };

const MAX_PRIORITY = 2_097_152;

/**
 * Mark a message to be sent later or with a priority when it goes through the queue backend;
 * returns the message, so it chains into `send()`. Other backends ignore the mark.
 *
 * @example
 * ```ts
 * await deliverLater(new EmailMessage({ subject: 'Reminder', body, to: [user.email] }), { delay: 60 * 60_000 }).send();
 * await deliverLater(digest, { at: new Date('2027-01-01T08:00:00Z'), priority: 10 }).send({ using: 'queue' });
 * ```
 * @throws TypeError for a negative or non-finite delay, an invalid date, both `delay` and `at`, or a priority out of range.
 */
export function deliverLater<M extends EmailMessage>(message: M, options: DeliverLaterOptions): M {
  if (message === null || typeof message !== 'object' || typeof message.message !== 'function') {
    throw new TypeError('deliverLater(message, options) takes an EmailMessage first.');
  }
  checkLater(options, 'deliverLater()');
  Object.defineProperty(message, LATER, {
    value: { ...options },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return message;
}

/** The options given to {@link deliverLater} for this message, if any. */
export function laterOptionsOf(message: EmailMessage): DeliverLaterOptions | undefined {
  return (message as Tagged)[LATER];
}

/** Check delay / at / priority, as deliverLater() and the backend options take them. */
export function checkLater(options: unknown, where: string): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where} takes an options object.`);
  const { delay, at, priority } = options as { delay?: unknown; at?: unknown; priority?: unknown };
  if (delay !== undefined && at !== undefined) throw new TypeError(`${where}: give delay or at, not both.`);
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0)) {
    throw new TypeError(`${where}: delay is a number of milliseconds, 0 or more; got ${String(delay)}.`);
  }
  if (at !== undefined) {
    const ms = at instanceof Date ? at.getTime() : at;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new TypeError(`${where}: at is a Date or a number of ms since the epoch; got ${String(at)}.`);
    }
  }
  if (
    priority !== undefined &&
    (!Number.isInteger(priority) || (priority as number) < 1 || (priority as number) > MAX_PRIORITY)
  ) {
    throw new TypeError(
      `${where}: priority is a whole number from 1 (most urgent) to ${MAX_PRIORITY}; got ${String(priority)}.`,
    );
  }
}

/** The delay in ms a job waits before it may run, from `delay` or `at` (0 when neither, or `at` is past). */
export function delayOf(options: { delay?: number; at?: Date | number } | undefined, now: number): number {
  if (options?.delay !== undefined) return options.delay;
  if (options?.at !== undefined)
    return Math.max(0, (options.at instanceof Date ? options.at.getTime() : options.at) - now);
  return 0;
}
