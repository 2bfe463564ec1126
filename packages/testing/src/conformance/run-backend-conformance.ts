import { afterEach, beforeEach, describe, it } from 'vitest';
import { concurrencyGroup } from './concurrency.js';
import { contentGroup } from './content.js';
import { type OpenEnv, openEnv } from './env.js';
import { envelopeGroup } from './envelope.js';
import { failSilentlyGroup } from './fail-silently.js';
import { headerGuardsGroup } from './header-guards.js';
import { lifecycleGroup } from './lifecycle.js';
import { sendingGroup } from './sending.js';
import type { ConformanceGroup, ConformanceOptions } from './types.js';

/** Every group, in the order the suite runs them. */
export const conformanceGroups: readonly ConformanceGroup[] = [
  sendingGroup,
  envelopeGroup,
  contentGroup,
  headerGuardsGroup,
  lifecycleGroup,
  failSilentlyGroup,
  concurrencyGroup,
];

/**
 * Register the shared backend conformance suite with vitest: one `describe` per group, one
 * test per check, each with a fresh SMTP fixture and a fresh backend from `create`. Groups the
 * backend's `capabilities` rule out are skipped (a backend that delivers nothing still runs
 * counting, lifecycle, guards and concurrency).
 *
 * @example
 * ```ts
 * // test/conformance.test.ts of a backend package
 * import { runBackendConformance } from '@mail/testing/conformance';
 * import { EmailBackend } from '../src/index.js';
 * runBackendConformance({ create: (ctx) => new EmailBackend(ctx.smtp.backendOptions()) });
 * ```
 */
export function runBackendConformance(
  options: ConformanceOptions,
  groups: readonly ConformanceGroup[] = conformanceGroups,
): void {
  if (typeof options?.create !== 'function') {
    throw new TypeError('runBackendConformance() needs { create(ctx) } returning a fresh backend.');
  }
  describe(`backend conformance${options.name ? `: ${options.name}` : ''}`, () => {
    for (const group of groups) describeGroup(group, options);
  });
}

/**
 * Register one group's checks with vitest; {@link runBackendConformance} calls it for every group.
 *
 * @example
 * ```ts
 * describeGroup(headerGuardsGroup, { create: () => new MyBackend() });
 * ```
 */
export function describeGroup(group: ConformanceGroup, options: ConformanceOptions): void {
  describe(group.name, () => {
    let open: OpenEnv | undefined;
    beforeEach(async () => {
      open = await openEnv(options);
    });
    afterEach(async () => {
      await open?.dispose();
      open = undefined;
    });
    for (const [title, check] of Object.entries(group.checks)) {
      it(title, async (test) => {
        const { env } = open as OpenEnv;
        if (!group.appliesTo(env.capabilities, { viaSmtp: env.viaSmtp })) {
          test.skip(
            `does not apply to capabilities ${JSON.stringify(env.capabilities)}${env.viaSmtp ? '' : ' with a mailbox'}`,
          );
          return;
        }
        await check(env);
      });
    }
  });
}
