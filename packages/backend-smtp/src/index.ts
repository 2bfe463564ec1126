/**
 * @mail/backend-smtp: the SMTP email backend for @mail/core.
 *
 * @example
 * ```ts
 * import { configure, sendMail } from '@mail/core';
 * configure({ emailBackend: 'smtp', emailHost: 'smtp.example.com', emailPort: 587, emailUseTls: true });
 * await sendMail({ subject: 'Hi', message: 'Hello', recipientList: ['to@example.com'] });
 * ```
 * @packageDocumentation
 */
import { SmtpBackend } from './smtp-backend.js';

export { SmtpError, type SmtpErrorOptions } from './smtp-error.js';
export type { SmtpBackendOptions } from './smtp-options.js';
export { SmtpBackend as EmailBackend };
export default SmtpBackend;
