import type { EmailMessage } from '../message/email-message.js';
import type { Envelope } from '../message/envelope.js';
import type { MimeMessage } from '../mime/mime-message.js';

/**
 * A message of a batch after the base backend has checked it: built (header guards passed)
 * and with a validated envelope. This is what a backend's `deliver` receives.
 */
export interface PreparedMessage<M = EmailMessage> {
  /** The message as the caller gave it. */
  message: M;
  /** Its position in the batch. */
  index: number;
  /** The built MIME message. */
  mime: MimeMessage;
  /** Envelope sender and recipients (Bcc included). */
  envelope: Envelope;
}

/** What a backend can do; lets the conformance suite pick the groups that apply. */
export interface BackendCapabilities {
  /** The backend delivers messages somewhere they can be read back (false for dummy). */
  delivers: boolean;
  /** The backend keeps a connection between `open()` and `close()`. */
  keepsConnection: boolean;
}

/** Options every backend accepts. */
export interface BackendOptions {
  failSilently?: boolean;
  [option: string]: unknown;
}
