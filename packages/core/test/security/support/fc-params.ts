import type { Parameters } from 'fast-check';

/**
 * Seeded, reproducible fast-check parameters for the security suites.
 *
 * - `MAIL_FC_SEED` picks another seed (default: a fixed one, so CI is reproducible).
 * - `MAIL_FC_RUNS` sets how many cases the big generated suites run (default 10,000 each);
 *   the smaller properties scale with it (`runs(100)` becomes 1,000 with `MAIL_FC_RUNS=100000`).
 *
 * fast-check prints the seed and the shrunk counter-example of a failure; re-run it with
 * `MAIL_FC_SEED=<seed> pnpm vitest run --project core security`.
 */
export const DEFAULT_SEED = 20261123;
export const DEFAULT_RUNS = 10_000;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The seed of this run. */
export const seed: number = envInt('MAIL_FC_SEED') ?? DEFAULT_SEED;

/** Total cases of a big suite in this run (≥ 10,000 in CI). */
export const totalRuns: number = envInt('MAIL_FC_RUNS') ?? DEFAULT_RUNS;

/** Scale a property's default case count with `MAIL_FC_RUNS` (never below 1). */
export function runs(defaultRuns: number): number {
  return Math.max(1, Math.round((defaultRuns * totalRuns) / DEFAULT_RUNS));
}

/** fast-check parameters: this run's seed, `numRuns` cases, the seed printed on failure. */
export function fcParams<T>(numRuns: number): Parameters<T> {
  return {
    seed,
    numRuns,
    // Keep the failure report short but with the seed and path (fast-check prints both).
    verbose: 0,
    endOnFailure: false,
  };
}
