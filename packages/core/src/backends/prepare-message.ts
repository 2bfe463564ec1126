import type { RejectedRecipient } from '../message/delivery-report.js';
import type { EmailMessage } from '../message/email-message.js';
import { envelopeOf } from '../message/envelope.js';
import { snapshotMessage } from '../message/snapshot.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { PreparedMessage } from './types.js';

/**
 * Check one message before anything of its batch is sent: build it (the header guards run,
 * throwing BadHeaderError), compute its envelope (throwing InvalidAddressError) and copy it.
 * Called synchronously by `sendMessages()`, so all three are the message as it was at the call.
 */
export function prepareMessage(message: EmailMessage, index: number, sandbox: Sandbox | null = null): PreparedMessage {
  if (message === null || typeof message !== 'object' || typeof (message as EmailMessage).message !== 'function') {
    throw new TypeError(
      `sendMessages() takes EmailMessage objects; item ${index} is ${message === null ? 'null' : typeof message}.`,
    );
  }
  if (sandbox) {
    // Built from the sandbox's copy (redirected To/Cc); `message` stays the caller's.
    const { source, envelope, dropped } = sandbox.apply(message);
    return { message, index, mime: source.message(), envelope, dropped, snapshot: snapshotMessage(message) };
  }
  const mime = message.message();
  return { message, index, mime, envelope: envelopeOf(message), snapshot: snapshotMessage(message) };
}

/** Recipients the sandbox's `allowedRecipients` took out, as refusals in the message's report. */
export function droppedOf(message: PreparedMessage): RejectedRecipient[] {
  return (message.dropped ?? []).map((address) => ({ address, code: null, response: 'not in allowedRecipients' }));
}
