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

export { ConsoleBackend as EmailBackend };
export { MESSAGE_SEPARATOR, type ConsoleBackendOptions } from './console-backend.js';
export default ConsoleBackend;
