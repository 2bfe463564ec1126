/** A recipient the server refused, with its reply. */
export interface RejectedRecipient {
  /** The envelope address, as sent in `RCPT TO`. */
  address: string;
  /** The reply code (`550`, `451`…), or null where the backend has none. */
  code: number | null;
  /** The server's reply (code and text, controls escaped), or a description where there was none. */
  response: string;
}

/**
 * What happened to a message when it was sent: `message.delivery` after a send (null before),
 * and the `delivery` of the send events and hooks.
 * A message some recipients accepted counts as sent; the refused ones are in `rejected`. A
 * message that failed carries one too, with `accepted` empty (the `SendError` says why).
 *
 * @example
 * ```ts
 * await message.send();
 * const { messageId, accepted, rejected, response } = message.delivery!;
 * for (const r of rejected) log.warn(`${r.address} refused: ${r.response}`);
 * ```
 */
export interface DeliveryReport {
  /** The Message-ID header as sent ('' for a message a hook cancelled before it was built). */
  messageId: string;
  /** Envelope recipients the server took. */
  accepted: string[];
  /** Envelope recipients the server refused, each with its reply. */
  rejected: RejectedRecipient[];
  /** The server's final reply (it holds the provider's queue id), or null where there is none. */
  response: string | null;
  /** The `mailers` alias used (the member's under failover), or null. */
  mailer: string | null;
  /** The backend: `'smtp'`, `'locmem'`…, or the class name of a third-party backend. */
  backend: string;
  /** Attempts made: 1 unless retried. */
  attempts: number;
  /** A before-send hook cancelled it. */
  cancelled?: true;
}

/**
 * What a backend tells the base contract about one message's delivery; every field is optional
 * (`accepted` defaults to every envelope recipient, the rest to none).
 */
export interface DeliveryDetails {
  /** Recipients the server took (default: all of the envelope's, or none for a failure). */
  accepted?: readonly string[];
  /** Recipients the server refused. */
  rejected?: readonly RejectedRecipient[];
  /** The server's final reply. */
  response?: string | null;
  /**
   * A report made by another backend that did the delivery (a failover member): its mailer,
   * backend and attempts are kept.
   */
  report?: DeliveryReport | null;
}
