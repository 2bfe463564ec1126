/**
 * @mail/backend-console: an email backend that writes messages to a stream (stdout by default).
 *
 * @example
 * ```ts
 * import { EmailBackend } from '@mail/backend-console';
 * await new EmailBackend({ stream: process.stderr }).sendMessages([message]);
 * ```
 * @packageDocumentation
 */
import { ConsoleBackend } from './console-backend.js';

export { type ConsoleBackendOptions, MESSAGE_SEPARATOR } from './console-backend.js';
export { ConsoleBackend as EmailBackend };
export default ConsoleBackend;
