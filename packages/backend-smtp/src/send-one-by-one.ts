import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { envelopeRefusal, resetOrClose, type SendRun } from './session.js';
import { partialRefusal, toSmtpError } from './smtp-error.js';

/**
 * Sends `batch[start…]` over one connection with nodemailer's `send()`, one message at a time
 * (MAIL, RCPT, DATA, content; nodemailer dot-stuffs). Used when the server does not offer
 * PIPELINING. Returns where it stopped, as {@link sendPipelined} does.
 */
export const sendOneByOne: SendRun = async (connection, batch, start, outcome, scrub) => {
  for (let i = start; i < batch.length; i++) {
    const message = batch[i];
    const refusal = envelopeRefusal(connection, message);
    if (refusal) {
      outcome.failed(message, refusal); // nothing was sent: the session is untouched
      continue;
    }
    if (message.envelope.to.length === 0) continue; // Django skips it: not counted, not an error
    // nodemailer records every reply here; still false afterwards means the server said nothing.
    connection.lastServerResponse = false;
    let info: SMTPConnection.SentMessageInfo;
    try {
      info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
        connection.send(
          { from: message.envelope.from, to: message.envelope.to },
          message.mime.stream(),
          (error, result) => (error ? reject(error) : resolve(result!)),
        );
      });
    } catch (raw) {
      const error = toSmtpError(raw, 'The SMTP server refused the message', scrub);
      if (connection.destroyed && connection.lastServerResponse === false)
        return { next: i, broken: true, unanswered: true, error };
      if (connection.destroyed) {
        outcome.failed(message, error);
        return { next: i + 1, broken: true, error };
      }
      // After a reply the session is known: RSET clears the transaction. Anything else (the
      // message stream failed mid-DATA) leaves it unknown, so the connection is closed.
      if (error.responseCode !== undefined) await resetOrClose(connection);
      else connection.close();
      outcome.failed(message, error);
      continue;
    }
    if (info.rejected.length > 0) {
      const replies = (info.rejectedErrors ?? []).map((e) => ({
        address: String(e.recipient ?? ''),
        reply: { code: Number(e.responseCode ?? 0), text: String(e.response ?? e.message) },
      }));
      outcome.failed(message, partialRefusal(replies, info.accepted, scrub));
      continue;
    }
    outcome.delivered(message);
  }
  return { next: batch.length, broken: false };
};
