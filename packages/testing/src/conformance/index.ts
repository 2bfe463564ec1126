/**
 * `@mail/testing/conformance`: the suite every backend in this repository passes, so a
 * third-party backend proves itself in one call. Each group is exported too.
 *
 * @example
 * ```ts
 * import { runBackendConformance } from '@mail/testing/conformance';
 * runBackendConformance({ create: (ctx) => new MyBackend(ctx.smtp.backendOptions()) });
 * ```
 * @packageDocumentation
 */

export { concurrencyGroup } from './concurrency.js';
export { contentGroup } from './content.js';
export { envelopeGroup } from './envelope.js';
export { failSilentlyGroup } from './fail-silently.js';
export { HEADER_INJECTIONS, headerGuardsGroup } from './header-guards.js';
export { lifecycleGroup } from './lifecycle.js';
export { conformanceGroups, describeGroup, runBackendConformance } from './run-backend-conformance.js';
export { type CheckResult, runConformanceChecks } from './run-checks.js';
export { sendingGroup } from './sending.js';
export { splitMessages } from './split-messages.js';
export type {
  ConformanceCheck,
  ConformanceContext,
  ConformanceEnv,
  ConformanceGroup,
  ConformanceOptions,
  DeliveredMessage,
  Mailbox,
  MailboxMessage,
} from './types.js';
