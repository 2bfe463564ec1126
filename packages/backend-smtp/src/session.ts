import type { DeliveryOutcome, PreparedMessage } from '@mail/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpError } from './smtp-error.js';

/** The parts of nodemailer's connection read here (pinned by test/nodemailer-internals.test.ts). */
interface SessionInternals {
  _supportedExtensions?: string[];
  _maxAllowedSize?: number;
  _supportedAuth?: string[];
}

/**
 * Whether the server advertised AUTH with at least one mechanism in its EHLO reply (RFC 4954).
 * nodemailer assumes AUTH after a HELO fallback; a server that said nothing offers nothing.
 */
export function offersAuth(connection: SMTPConnection): boolean {
  const list = (connection as unknown as SessionInternals)._supportedAuth;
  return Array.isArray(list) && list.length > 0;
}

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
  const list = (connection as unknown as SessionInternals)._supportedExtensions;
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

/** The limit the server advertised with SIZE (RFC 1870), or 0 when it gave none. */
export function sizeLimit(connection: SMTPConnection): number {
  if (!supportsExtension(connection, 'SIZE')) return 0;
  return Number((connection as unknown as SessionInternals)._maxAllowedSize) || 0;
}

/**
 * The message's size in octets for `SIZE=` (RFC 1870 §3), when the server offers SIZE and the
 * message can say it without being read (null otherwise: no parameter is sent then).
 */
export async function declaredSize(connection: SMTPConnection, { mime }: PreparedMessage): Promise<number | null> {
  if (!supportsExtension(connection, 'SIZE')) return null;
  const byteLength = (mime as { byteLength?: () => Promise<number | null> }).byteLength;
  if (typeof byteLength === 'function') return await byteLength.call(mime);
  if ((mime as { isInMemory?: unknown }).isInMemory === true) return (await mime.asBytes()).length;
  return null;
}

/** A message over the server's advertised limit: refused before anything of it is sent. */
export function sizeRefusal(connection: SMTPConnection, size: number | null): SmtpError | null {
  const limit = sizeLimit(connection);
  if (size === null || limit === 0 || size <= limit) return null;
  return new SmtpError(
    `The message is ${size} octets, over the ${limit} the SMTP server accepts (its SIZE limit, RFC 1870); ` +
      'nothing of it was sent. Send large files as links, or use a server with a higher limit.',
    { transient: false, command: 'MAIL FROM' },
  );
}

/** MAIL FROM, with `SIZE=` (RFC 1870) and `SMTPUTF8` (RFC 6531 §3.4) when they apply. */
export function mailCommand({ envelope }: PreparedMessage, utf8: boolean, size: number | null): string {
  // SMTPUTF8 when an address needs it (envelopeRefusal checked that the server supports it).
  const needsUtf8 = utf8 && [envelope.from, ...envelope.to].some((address) => /[^\x00-\x7f]/.test(address));
  return `MAIL FROM:<${envelope.from}>${size === null ? '' : ` SIZE=${size}`}${needsUtf8 ? ' SMTPUTF8' : ''}\r\n`;
}

/** MAIL FROM, every RCPT TO and DATA: one pipelined group (RFC 2920 §3.1). */
export function envelopeCommands(message: PreparedMessage, utf8: boolean, size: number | null): string {
  let commands = mailCommand(message, utf8, size);
  for (const address of message.envelope.to) commands += `RCPT TO:<${address}>\r\n`;
  return `${commands}DATA\r\n`;
}
