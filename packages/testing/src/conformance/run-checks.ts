import { openEnv } from './env.js';
import type { ConformanceGroup, ConformanceOptions } from './types.js';

/** The outcome of one check run by {@link runConformanceChecks}. */
export interface CheckResult {
  group: string;
  check: string;
  /** `'skipped'` when the group does not apply to the backend's capabilities. */
  status: 'passed' | 'failed' | 'skipped';
  error?: unknown;
}

/**
 * Run checks programmatically instead of registering vitest tests, each in a fresh environment,
 * and report each outcome: for scripts and for testing the suite itself. (This entry imports
 * vitest, so vitest must be installed.)
 *
 * @example
 * ```ts
 * const results = await runConformanceChecks([sendingGroup], { create: () => new MyBackend() });
 * const failed = results.filter((r) => r.status === 'failed');
 * ```
 */
export async function runConformanceChecks(
  groups: readonly ConformanceGroup[],
  options: ConformanceOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const group of groups) {
    for (const [check, run] of Object.entries(group.checks)) {
      const { env, dispose } = await openEnv(options);
      try {
        if (!group.appliesTo(env.capabilities, { viaSmtp: env.viaSmtp })) {
          results.push({ group: group.name, check, status: 'skipped' });
          continue;
        }
        await run(env);
        results.push({ group: group.name, check, status: 'passed' });
      } catch (error) {
        results.push({ group: group.name, check, status: 'failed', error });
      } finally {
        await dispose();
      }
    }
  }
  return results;
}
