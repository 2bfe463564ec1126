import type { Socket } from 'node:net';
import type { PreparedMessage, RejectedRecipient } from '@mail/core';
import { DotStuffer } from './dot-stuffer.js';
import { ConnectionLost, drained, ReplyReader, type SmtpReply } from './reply-reader.js';
import {
  declaredSize,
  envelopeRefusal,
  mailCommand,
  type RunResult,
  resetOrClose,
  type SendRun,
  sizeRefusal,
  supportsExtension,
} from './session.js';
import { allRefused, lostAfterData, rejectedOf, replyError, replyLine, SmtpError, toSmtpError } from './smtp-error.js';

const ok = (reply: SmtpReply) => reply.code >= 200 && reply.code <= 299;

/**
 * Sends `batch[start…]` over one connection one command at a time (MAIL, each RCPT, DATA, the
 * content, the end of data), each reply read by the same {@link ReplyReader} as the pipelined
 * path, so both apply one set of rules: a deadline per reply, one code per multiline reply,
 * and anything but 354 to DATA ends the message with an error, its content never sent (a server
 * that says 250 would read the content as commands). Used when the server does not offer
 * PIPELINING. nodemailer still owns the session (connect, STARTTLS, AUTH, RSET, QUIT). Returns
 * where it stopped, as {@link sendPipelined} does.
 */
export const sendOneByOne: SendRun = async (connection, batch, start, outcome, scrub) => {
  const reader = new ReplyReader(connection);
  const socket = (connection as unknown as { _socket: Socket })._socket;
  const utf8 = supportsExtension(connection, 'SMTPUTF8');
  /** A transaction is open on the server (MAIL accepted, no end of data): RSET before the next. */
  let needRset = false;
  /** The session is in an unknown state: close rather than reuse. */
  let dirty = false;
  /** The current message got at least one reply (else, on a broken connection, it may be retried). */
  let answered = false;
  /** The current message's final `.` was written: from then on the server may have it. */
  let ended = false;
  const command = async (line: string): Promise<SmtpReply> => {
    socket.write(line);
    try {
      return await reader.next();
    } catch (error) {
      throw new ConnectionLost(error);
    }
  };
  try {
    for (let i = start; i < batch.length; i++) {
      const message = batch[i];
      if (message.envelope.to.length === 0) continue; // Django skips it: not counted, not an error
      const size = await declaredSize(connection, message);
      const refusal = envelopeRefusal(connection, message) ?? sizeRefusal(connection, size);
      if (refusal) {
        outcome.failed(message, refusal); // nothing was sent: the session is untouched
        continue;
      }
      answered = false;
      ended = false;
      try {
        if (needRset) {
          needRset = false;
          const reset = await command('RSET\r\n');
          if (!ok(reset)) throw new ConnectionLost(replyError('The SMTP server refused RSET', reset, 'RSET', scrub));
        }
        const result = await transaction(message, size);
        if (result) return result;
      } catch (error) {
        if (!(error instanceof ConnectionLost)) throw error;
        dirty = true;
        const lost = toSmtpError(error.error, 'The connection to the SMTP server failed', scrub);
        // A message that got no reply at all is left to the caller, which may try it again.
        if (!answered) return { next: i, broken: true, unanswered: true, error: lost };
        outcome.failed(message, ended ? lostAfterData(lost) : lost);
        return { next: i + 1, broken: true, error: lost };
      }
    }
    return { next: batch.length, broken: false };
  } finally {
    reader.release();
    if (dirty) connection.close();
    else if (needRset) await resetOrClose(connection);
  }

  /** One message; returns where the run stops when it must (else null). */
  async function transaction(message: PreparedMessage, size: number | null): Promise<RunResult | null> {
    const { envelope } = message;
    const mail = await command(mailCommand(message, utf8, size));
    answered = true;
    if (!ok(mail))
      return stop(message, replyError('The SMTP server refused the sender', mail, 'MAIL FROM', scrub), mail, []);
    needRset = true; // MAIL opened a transaction
    const accepted: string[] = [];
    const rejected: { address: string; reply: SmtpReply }[] = [];
    for (const address of envelope.to) {
      const reply = await command(`RCPT TO:<${address}>\r\n`);
      if (reply.code === 421)
        return stop(
          message,
          replyError('The SMTP server closed the connection', reply, 'RCPT TO', scrub),
          reply,
          rejectedOf(rejected, scrub),
        );
      if (ok(reply)) accepted.push(address);
      else rejected.push({ address, reply });
    }
    const refused = rejectedOf(rejected, scrub);
    if (accepted.length === 0) {
      const error = allRefused(rejected, scrub, envelope.from);
      // A sender refused at RCPT TO (Postfix) lists no recipient as refused.
      return stop(message, error, rejected[rejected.length - 1]!.reply, error.rejected.length > 0 ? refused : []);
    }
    const data = await command('DATA\r\n');
    if (data.code !== 354) {
      // RFC 5321 §4.1.1.4: only 354 lets the content go. A 250 here would have the server read
      // the message as commands: the message ends with an error, nothing of it sent.
      return stop(message, replyError('The SMTP server did not accept DATA', data, 'DATA', scrub), data, refused);
    }
    try {
      await sendContent(message);
      ended = true;
    } catch (error) {
      if (error instanceof ConnectionLost) throw error;
      // The data cannot be ended without sending a truncated message: the connection is closed.
      dirty = true;
      outcome.failed(
        message,
        new SmtpError(`Could not read the message content: ${(error as Error).message}`, { cause: error }),
      );
      return { next: batch.indexOf(message) + 1, broken: true };
    }
    let end: SmtpReply;
    try {
      end = await reader.next();
    } catch (error) {
      throw new ConnectionLost(error);
    }
    needRset = false;
    if (!ok(end))
      return stop(message, replyError('The SMTP server refused the message', end, 'DATA', scrub), end, refused);
    // Accepted for some recipients: sent (as Django counts it), the refused ones in its report.
    outcome.delivered(message, { accepted, rejected: refused, response: replyLine(end, scrub) });
    return null;
  }

  /** Report a refused message; after a 421 the server is closing (RFC 5321 §3.8): so do we. */
  function stop(
    message: PreparedMessage,
    error: SmtpError,
    reply: SmtpReply,
    refused: RejectedRecipient[],
  ): RunResult | null {
    outcome.failed(message, error, { rejected: refused, response: replyLine(reply, scrub) });
    if (reply.code !== 421) return null;
    dirty = true;
    return { next: batch.indexOf(message) + 1, broken: true };
  }

  /** The content, dot-stuffed, with its end of data; waits for 'drain' as the socket asks. */
  async function sendContent(message: PreparedMessage): Promise<void> {
    const stuffer = new DotStuffer({ crlf: (message.mime as { crlf?: unknown }).crlf === true });
    const stream = message.mime.stream();
    try {
      for await (const chunk of stream) {
        if (reader.failure) throw new ConnectionLost(reader.failure);
        if (!socket.write(stuffer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))))
          await drained(socket, reader);
      }
    } finally {
      stream.destroy();
    }
    socket.write(stuffer.end());
  }
};
