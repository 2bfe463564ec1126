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

export { type AddressInput, formatAddress, sanitizeAddress } from './addresses/parse-address.js';
export { BaseEmailBackend, type DeliveryOutcome } from './backends/base-email-backend.js';
export type { BackendCapabilities, BackendOptions, CommonBackendOptions, PreparedMessage } from './backends/types.js';
export { type BackendClass, getConnection } from './connection.js';
export type { DkimAlgorithm, DkimCanonicalization, DkimOption, DkimOptions } from './dkim/dkim-options.js';
export * from './errors.js';
export { SEND_CHANNEL, type SendEvent, sendChannel } from './events/send-events.js';
export {
  type AfterSendHook,
  type BeforeSendHook,
  type HookOptions,
  onBeforeSend,
  onFailed,
  onSent,
} from './events/send-hooks.js';
export { checkHeaderName, checkHeaderValue } from './headers/check-header.js';
export type { ListUnsubscribe } from './headers/list-unsubscribe.js';
export { type Mailers, mailers } from './mailers.js';
export type { DeliveryDetails, DeliveryReport, RejectedRecipient } from './message/delivery-report.js';
export * from './message/email-message.js';
export * from './message/email-multi-alternatives.js';
export { type Envelope, envelopeOf } from './message/envelope.js';
export { OUTBOX_KEY, outbox, type SentMessage } from './message/outbox.js';
export type { BuildsItself, MimeMessage } from './mime/mime-message.js';
export type { AllowedRecipient } from './sandbox/sandbox.js';
export {
  type EmailUrlBackend,
  type EmailUrlGroup,
  parseEmailUrlBackend,
  parseEmailUrlGroup,
} from './settings/email-url.js';
export type { RetryOption, RetryOptions, RetryPolicy } from './settings/retry-options.js';
export * from './settings.js';
export {
  type MailAdminsOptions,
  type MassMailTuple,
  mailAdmins,
  mailManagers,
  type SendMailOptions,
  type SendMassMailOptions,
  sendMail,
  sendMassMail,
} from './wrappers.js';
