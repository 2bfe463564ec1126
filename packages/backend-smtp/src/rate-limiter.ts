import { performance } from 'node:perf_hooks';

/** Late timers are caught up for this long at most: the largest burst a rate limit lets out at once. */
const CATCH_UP_MS = 25;

/**
 * `messages` per `perMs`, spread evenly: one message every `perMs / messages` ms (a generic cell
 * rate algorithm). A timer that fires late releases what it owes at once, up to
 * {@link CATCH_UP_MS} worth, so the achieved rate stays at the limit instead of below it; a
 * sender that was idle does not bank a burst.
 */
export class RateLimiter {
  readonly #interval: number;
  /** When the next message may start (performance.now() time). */
  #next = Number.NEGATIVE_INFINITY;

  constructor({ messages, perMs }: { messages: number; perMs: number }) {
    this.#interval = perMs / messages;
  }

  /** How many of `wanted` messages may start now; those are counted as started. */
  take(wanted: number): number {
    const now = performance.now();
    this.#next = Math.max(this.#next, now - CATCH_UP_MS);
    let granted = 0;
    while (granted < wanted && this.#next <= now) {
      granted++;
      this.#next += this.#interval;
    }
    return granted;
  }

  /** When the next message may start (performance.now() time). */
  nextAt(): number {
    return this.#next;
  }
}
