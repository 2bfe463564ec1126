/**
 * @mail/backend-file: an email backend that writes each session's messages to a new file.
 *
 * @example
 * ```ts
 * import { configure } from '@mail/core';
 * configure({ emailBackend: 'file', emailFilePath: '/tmp/app-messages' });
 * ```
 * @packageDocumentation
 */
import { FileBackend } from './file-backend.js';

export type { FileBackendOptions } from './file-backend.js';
export { FileBackend as EmailBackend };
export default FileBackend;
