/**
 * @mail/core: Django's `django.core.mail` for Node.
 *
 * @example
 * ```ts
 * import { sendMail } from '@mail/core';
 * await sendMail({ subject: 'Subject here', message: 'Here is the message.',
 *                  fromEmail: 'from@example.com', recipientList: ['to@example.com'] });
 * ```
 * @packageDocumentation
 */
export * from './errors.js';
export * from './settings.js';
export { mailers } from './mailers.js';
export * from './message/email-message.js';
export * from './message/email-multi-alternatives.js';
export type { MimeMessage, Envelope, PreparedMessage, BackendCapabilities, BackendOptions } from './backends/types.js';
export { BaseEmailBackend, type DeliveryOutcome } from './backends/base-email-backend.js';
export { getConnection, type BackendClass } from './connection.js';
export { sendMail, sendMassMail, mailAdmins, mailManagers } from './wrappers.js';
export { envelopeOf } from './addresses/envelope.js';
