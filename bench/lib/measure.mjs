/**
 * Timing helpers shared by the child processes. Every figure is a rate in
 * messages per second; a run is a few rounds and the best round counts, so
 * a burst of work from another process on this (noisy, 2-core) machine
 * lowers one round rather than the figure.
 */
import { performance } from 'node:perf_hooks';

/**
 * Calls `fn(i)` (awaiting it when it returns a promise) for `roundMs`
 * milliseconds, `rounds` times after a warm-up, and returns the rates.
 */
export async function rateOf(fn, { roundMs = 700, rounds = 3, warmupMs = 300 } = {}) {
  let i = 0;
  const round = async (ms) => {
    const start = performance.now();
    let n = 0;
    let now = start;
    while (now - start < ms) {
      const r = fn(i++);
      if (r && typeof r.then === 'function') await r;
      n++;
      now = performance.now();
    }
    return (n * 1000) / (now - start);
  };
  await round(warmupMs);
  const rates = [];
  for (let r = 0; r < rounds; r++) rates.push(await round(roundMs));
  return { rate: Math.max(...rates), rates };
}

/** Prints the result of a child process as one JSON line on stdout. */
export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
