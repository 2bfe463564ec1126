import { tracingChannel } from 'node:diagnostics_channel';
import type { DeliveryReport } from '../message/delivery-report.js';
import type { EmailMessage } from '../message/email-message.js';

/**
 * One send, as the tracing channel publishes it and the hooks receive it: the message, the
 * mailer alias it goes through (null for a backend built directly), the backend's name and,
 * once known, the delivery report or the error.
 */
export interface SendEvent {
  /** The message being sent (the one a before-send hook returned, if it replaced it). */
  message: EmailMessage;
  /** The `mailers` alias of the backend, or null. */
  mailer: string | null;
  /** 'smtp', 'locmem', … or the class name of a third-party backend. */
  backend: string;
  /** What happened, once known (also for a cancelled message: `delivery.cancelled`). */
  delivery?: DeliveryReport;
  /** Why it failed, when it did: the error `sendMessages()` rejects with (or would, without `failSilently`). */
  error?: unknown;
}

/** The channel name: `tracing:mail:send:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`. */
export const SEND_CHANNEL = 'mail:send';

/**
 * Every send is published here (one context per message, a {@link SendEvent}), by the base
 * backend contract, so every backend (third-party included) is covered. Channels are global by
 * name: `diagnostics_channel.tracingChannel('mail:send')` anywhere in the process is this one.
 * Nothing is published, and nothing is built for it, while no one subscribes.
 *
 * @example
 * ```ts
 * import { tracingChannel } from 'node:diagnostics_channel';
 * tracingChannel('mail:send').subscribe({
 *   start: (e) => console.log('sending', e.message.subject, 'via', e.backend),
 *   asyncEnd: (e) => console.log(e.error ? 'failed' : 'sent', e.delivery?.messageId),
 *   end() {}, asyncStart() {}, error() {},
 * });
 * ```
 */
export const sendChannel = tracingChannel<unknown, SendEvent>(SEND_CHANNEL);
