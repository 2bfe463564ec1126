import type { DeliveryOutcome, PreparedMessage } from '@mail/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpError } from './smtp-error.js';

/** Where a run of messages over one connection stopped. */
export interface RunResult {
  /** The first message not reported yet. */
  next: number;
  /** The connection broke or was closed; the messages from `next` on need a new one. */
  broken: boolean;
  /** `batch[next]` was sent and got no reply at all (so it was not accepted). */
  unanswered?: boolean;
  /** Why the connection broke, to report an unanswered message with if it is not tried again. */
  error?: unknown;
}

/**
 * A way of sending `batch[start…]` over one open connection (pipelined, or one by one), each
 * delivery or failure reported to `outcome`, every server text passed through `scrub`.
 */
export type SendRun = (
  connection: SMTPConnection,
  batch: readonly PreparedMessage[],
  start: number,
  outcome: DeliveryOutcome,
  scrub: (text: string) => string,
) => Promise<RunResult>;

/** Whether the server advertised an ESMTP extension in its EHLO reply (nodemailer keeps the list). */
export function supportsExtension(connection: SMTPConnection, name: string): boolean {
  const list = (connection as unknown as { _supportedExtensions?: string[] })._supportedExtensions;
  return Array.isArray(list) && list.includes(name);
}

/**
 * Why a message cannot go over this connection, before anything of it is sent: an envelope
 * address that could break the command line (core's envelope already refuses these; checked
 * again because a command line is where an injection would land), or a non-ASCII mailbox
 * without SMTPUTF8 (RFC 6531 §3.4), which the server would otherwise get as raw UTF-8.
 */
export function envelopeRefusal(connection: SMTPConnection, { envelope }: PreparedMessage): SmtpError | null {
  const addresses = [envelope.from, ...envelope.to];
  const unsafe = addresses.find((address) => /[\r\n<>\0]/.test(address));
  if (unsafe !== undefined) {
    return new SmtpError(
      `Refusing the envelope address ${JSON.stringify(unsafe)}: it would break the SMTP command line.`,
      {
        transient: false,
        command: 'MAIL FROM',
      },
    );
  }
  const nonAscii = addresses.filter((address) => /[^\x00-\x7f]/.test(address));
  if (nonAscii.length > 0 && !supportsExtension(connection, 'SMTPUTF8')) {
    return new SmtpError(
      `The SMTP server does not support SMTPUTF8, which the non-ASCII address ${nonAscii.join(', ')} needs; ` +
        'nothing was sent. Use an ASCII local part, or a server that offers SMTPUTF8 (RFC 6531).',
      { transient: false, command: 'MAIL FROM' },
    );
  }
  return null;
}

/** RSET (RFC 5321 §4.1.1.5) aborts an open transaction; a connection where that fails is closed. */
export function resetOrClose(connection: SMTPConnection): Promise<void> {
  if (connection.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    connection.reset((error) => {
      if (error) connection.close();
      resolve();
    });
  });
}
