import type { EmailMessage } from '../message/email-message.js';
import { envelopeOf } from '../message/envelope.js';
import type { PreparedMessage } from './types.js';

/**
 * Check one message before anything of its batch is sent: build it (the header guards run,
 * throwing BadHeaderError) and compute its envelope (throwing InvalidAddressError).
 */
export function prepareMessage(message: EmailMessage, index: number): PreparedMessage {
  if (message === null || typeof message !== 'object' || typeof (message as EmailMessage).message !== 'function') {
    throw new TypeError(
      `sendMessages() takes EmailMessage objects; item ${index} is ${message === null ? 'null' : typeof message}.`,
    );
  }
  const mime = message.message();
  return { message, index, mime, envelope: envelopeOf(message) };
}
