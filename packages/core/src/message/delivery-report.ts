/**
 * What happened to one message: `message.delivery` after a send (null before), and the
 * `delivery` of the send events and hooks.
 */
export interface DeliveryReport {
  /** The Message-ID header as sent ('' for a message a hook cancelled before it was built). */
  messageId: string;
  /** Envelope recipients the server took. */
  accepted: string[];
  /** Envelope recipients refused, with the server's code and reply (code null where none). */
  rejected: { address: string; code: number | null; response: string }[];
  /** The server's final reply (queue id), null where none. */
  response: string | null;
  /** The mailer alias used, the member's under failover; null for a backend built directly. */
  mailer: string | null;
  /** e.g. 'smtp', 'locmem', or the class name of a third-party backend. */
  backend: string;
  /** 1 unless retried. */
  attempts: number;
  /** A before-send hook cancelled it. */
  cancelled?: true;
}
