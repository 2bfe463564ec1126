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
  /**
   * The message as it was when `sendMessages()` was called: a copy that later changes to the
   * caller's message do not reach (what a backend that keeps messages, like locmem, keeps).
   */
  snapshot: M;
  /** Recipients the backend's `allowedRecipients` took out of the envelope (none when not set). */
  dropped?: string[];
}

/** What a backend can do; lets the conformance suite pick the groups that apply. */
export interface BackendCapabilities {
  /** The backend delivers messages somewhere they can be read back (false for dummy). */
  delivers: boolean;
  /** The backend keeps a connection between `open()` and `close()`. */
  keepsConnection: boolean;
}

/** The options every backend accepts, handled once by `BaseEmailBackend`; a backend's own options type extends it. */
export type CommonBackendOptions = {
  /** Swallow delivery failures (never bad input) and count only what was delivered. */
  failSilently?: boolean;
  /** Sign every message with DKIM: one key, or a list (one signature each). */
  dkim?: import('../dkim/dkim-options.js').DkimOption;
  /** Staging: every message goes only to these addresses; the originals in X-Original-To / X-Original-Cc. */
  redirectTo?: readonly string[];
  /** Staging: recipients matching none of these (address, `@domain`, RegExp) are dropped from the envelope. */
  allowedRecipients?: readonly import('../sandbox/sandbox.js').AllowedRecipient[];
  /**
   * Retry transient delivery failures (4xx, timeouts, refused or dropped connections; never a 5xx,
   * never a message the server accepted): a number of attempts, or the full options. Default:
   * the `emailRetry` setting, else 1 (off).
   */
  retry?: import('../settings/retry-options.js').RetryOption | null;
};

/** Options of a backend: the common ones and the backend's own. */
export interface BackendOptions extends CommonBackendOptions {
  [option: string]: unknown;
}
