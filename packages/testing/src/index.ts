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

export { type DebugMessage, formatMessage } from './cli/format-message.js';
export { type DebugServer, type DebugServerOptions, startDebugServer } from './cli/start-debug-server.js';
export type { ChaosTrigger, ChaosTriggers } from './inbox/chaos.js';
export { extractCodes, extractLinks, type MessageBodies } from './inbox/extract.js';
export { type ChaosRequest, InboxClient, type InboxEnvelope } from './inbox/inbox-client.js';
export type { InboxStore, StoredMessage } from './inbox/inbox-store.js';
export type {
  MailpitAddress,
  MailpitAttachment,
  MailpitMessage,
  MailpitMessageSummary,
  MailpitMessagesSummary,
} from './inbox/mailpit-shapes.js';
export { type Inbox, type InboxOptions, startInbox } from './inbox/start-inbox.js';
export * from './matchers/index.js';
export { clearOutbox, getOutbox, OUTBOX_KEY } from './outbox.js';
export { currentOutbox, OUTBOX_VIEWS_KEY, withOwnOutbox } from './outbox-view.js';
export * from './smtp-fixture/index.js';
