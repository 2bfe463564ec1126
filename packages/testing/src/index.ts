/**
 * @mail/testing: an SMTP server for tests with fault injection, pure matcher functions and
 * helpers. The vitest matchers are registered by `import '@mail/testing/vitest'`; the backend
 * conformance suite is `@mail/testing/conformance`.
 *
 * @example
 * ```ts
 * import { startSmtpServer } from '@mail/testing';
 * await using smtp = await startSmtpServer();
 * ```
 * @packageDocumentation
 */
export * from './smtp-fixture/index.js';
export * from './matchers/index.js';
export { OUTBOX_KEY, clearOutbox, getOutbox } from './outbox.js';
export { startDebugServer, type DebugServer, type DebugServerOptions } from './cli/start-debug-server.js';
export { formatMessage, type DebugMessage } from './cli/format-message.js';
