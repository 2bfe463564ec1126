import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { DeliveryOutcome, MimeMessage, PreparedMessage } from '@mail/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { DotStuffer } from './dot-stuffer.js';
import { ReplyReader, type SmtpReply } from './reply-reader.js';
import { envelopeRefusal, type RunResult, resetOrClose, supportsExtension } from './session.js';
import { partialRefusal, replyError, SmtpError, toSmtpError } from './smtp-error.js';

/** A reply-reading failure: the connection broke (as opposed to a failure `outcome` threw). */
class ConnectionLost {
  constructor(readonly error: unknown) {}
}

/** A message whose content went out; the reply to its end of data is still to come. */
interface InFlight {
  message: PreparedMessage;
  stuffer: DotStuffer;
  accepted: string[];
  rejected: { address: string; reply: SmtpReply }[];
}

/**
 * Sends `batch[start…]` over one connection with PIPELINING (RFC 2920): per message one write of
 * MAIL, every RCPT and DATA, then (after the 354) the content, whose end of data goes out in the
 * same write as the next message's envelope (§3.1: the content may start a group). One round
 * trip a message instead of nodemailer's two, and the content is dot-stuffed with native scans.
 * nodemailer still owns the session: connecting, STARTTLS, AUTH, timeouts, RSET and QUIT.
 *
 * Every reply is checked and reported in message order. Returns where it stopped: `next` is the
 * first message not reported, which got no reply at all (the connection broke before).
 */
export async function sendPipelined(
  connection: SMTPConnection,
  batch: readonly PreparedMessage[],
  start: number,
  outcome: DeliveryOutcome,
  scrub: (text: string) => string,
): Promise<RunResult> {
  const reader = new ReplyReader(connection);
  const socket = (connection as unknown as { _socket: Socket })._socket;
  /** A 421 reply: the server is closing the connection (RFC 5321 §3.8); it explains the loss. */
  let closing: SmtpReply | null = null;
  const read = () =>
    reader.next().then(
      (reply) => {
        if (reply.code === 421) closing = reply;
        return reply;
      },
      (error: unknown) => Promise.reject(new ConnectionLost(error)),
    );
  const utf8 = supportsExtension(connection, 'SMTPUTF8');
  let i = start;
  /** The message whose envelope went out and that is not reported yet (nor in flight). */
  let current: number | null = null;
  /** The current message got at least one reply. */
  let answered = false;
  let inFlight: InFlight | null = null;
  /** A transaction is open on the server (MAIL accepted, no DATA): RSET before the next MAIL. */
  let needRset = false;
  /** Commands or content were sent whose replies were not all read: only closing recovers. */
  let dirty = false;
  /** The content stream of the current message, created ahead of its 354. */
  let content: Content | null = null;

  const finish = (done: InFlight, reply: SmtpReply) => {
    if (reply.code < 200 || reply.code > 299) outcome.failed(done.message, replyError('The SMTP server refused the message', reply, 'DATA', scrub));
    else if (done.rejected.length > 0) outcome.failed(done.message, partialRefusal(done.rejected, done.accepted, scrub));
    else outcome.delivered(done.message);
  };
  /** Finish the message in flight: its end of data (with `more` commands in the same write). */
  const finishInFlight = async (more: (Buffer | string)[]) => {
    const done = inFlight;
    dirty = true;
    await write(socket, done ? [done.stuffer.end(), ...more] : more, reader);
    if (!done) return;
    const reply = await read();
    inFlight = null;
    if (more.length === 0) dirty = false;
    finish(done, reply);
  };

  try {
    while (i < batch.length) {
      const message = batch[i];
      const refusal = envelopeRefusal(connection, message);
      if (refusal || message.envelope.to.length === 0) {
        // Nothing of it goes out; the message before is finished first, to report in order.
        if (inFlight) await finishInFlight([]);
        i++;
        // Django skips a message without recipients (not counted, not an error).
        if (refusal) outcome.failed(message, refusal);
        continue;
      }

      current = i;
      answered = false;
      i++;
      // Start rendering the content now, so it overlaps the wait for the replies. A message
      // held in memory is taken whole; one that reads files is streamed, and its stream buffers
      // at most its high-water mark ahead. Errors surface where the content is read.
      content = contentOf(message.mime);
      await finishInFlight([...(needRset ? ['RSET\r\n'] : []), envelopeCommands(message, utf8)]);
      if (needRset) {
        const reply = await read();
        needRset = false;
        if (reply.code < 200 || reply.code > 299) throw new ConnectionLost(replyError('The SMTP server refused RSET', reply, 'RSET', scrub));
      }
      const mail = await read();
      answered = true;
      const accepted: string[] = [];
      const rejected: InFlight['rejected'] = [];
      for (const address of message.envelope.to) {
        const reply = await read();
        if (reply.code >= 200 && reply.code <= 299) accepted.push(address);
        else rejected.push({ address, reply });
      }
      const data = await read();

      if (mail.code < 200 || mail.code > 299 || accepted.length === 0) {
        if (data.code >= 300 && data.code <= 399) {
          // A server must refuse DATA without a sender or recipients; this one took it. End an
          // empty message with no one to go to, as nodemailer does.
          await write(socket, ['.\r\n'], reader);
          await read();
        } else if (mail.code >= 200 && mail.code <= 299) {
          needRset = true; // the transaction MAIL opened is still open
        }
        // After a 421 the server is closing the channel (RFC 5321 §3.8): so do we.
        dirty = closing !== null;
        current = null;
        content.cancel();
        outcome.failed(
          message,
          mail.code < 200 || mail.code > 299 ? replyError('The SMTP server refused the sender', mail, 'MAIL FROM', scrub) : allRefused(rejected, scrub),
        );
        if (closing) return { next: i, broken: true };
        continue;
      }
      if (data.code < 300 || data.code > 399) {
        needRset = true;
        dirty = closing !== null;
        current = null;
        content.cancel();
        outcome.failed(message, replyError('The SMTP server refused DATA', data, 'DATA', scrub));
        if (closing) return { next: i, broken: true };
        continue;
      }

      // 354: the content, dot-stuffed, from the message's stream (files are never held whole).
      const stuffer = new DotStuffer();
      try {
        // Corked, so the content leaves in as few writes as the socket allows: it stays corked
        // until its end of data and the next envelope join it (see write()).
        socket.cork();
        for await (const chunk of content.chunks()) {
          if (reader.failure) throw new ConnectionLost(reader.failure);
          if (!socket.write(stuffer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)))) {
            uncorkAll(socket);
            await drained(socket, reader);
            socket.cork();
          }
        }
      } catch (error) {
        uncorkAll(socket);
        if (error instanceof ConnectionLost) throw error;
        // The data cannot be ended without sending a truncated message: the connection is closed.
        current = null;
        outcome.failed(message, new SmtpError(`Could not read the message content: ${(error as Error).message}`, { cause: error }));
        return { next: i, broken: true };
      }
      current = null;
      inFlight = { message, stuffer, accepted, rejected };
    }
    if (inFlight) await finishInFlight([]);
    return { next: i, broken: false };
  } catch (error) {
    if (!(error instanceof ConnectionLost)) throw error;
    dirty = true;
    const lost: SmtpError = closing
      ? replyError('The SMTP server closed the connection', closing, 'CONN', scrub)
      : toSmtpError(error.error, 'The connection to the SMTP server failed', scrub);
    // Whatever went unanswered was not accepted: reported failed, never as sent.
    const done = inFlight;
    inFlight = null;
    if (done) outcome.failed(done.message, lost);
    if (current !== null && answered) outcome.failed(batch[current], lost);
    // A message that got no reply at all is left to the caller, which may try it again.
    const unanswered = current !== null && !answered;
    return { next: unanswered ? (current as number) : i, broken: true, unanswered, error: lost };
  } finally {
    content?.cancel();
    reader.release();
    if (dirty) connection.close();
    else if (needRset) await resetOrClose(connection);
  }
}

/** A message's content, started ahead of the 354 that lets it go out. */
interface Content {
  chunks(): AsyncIterable<Buffer | string>;
  cancel(): void;
}

function contentOf(mime: MimeMessage): Content {
  // Core's built message says whether every part is in memory (no attachFile to read).
  if ((mime as { isInMemory?: unknown }).isInMemory === true) {
    const bytes = mime.asBytes();
    bytes.catch(() => {});
    return {
      async *chunks() {
        yield await bytes;
      },
      cancel() {},
    };
  }
  const stream: Readable = mime.stream();
  stream.on('error', () => {});
  stream.read(0);
  return { chunks: () => stream, cancel: () => stream.destroy() };
}

function envelopeCommands({ envelope }: PreparedMessage, utf8: boolean): string {
  // RFC 6531 §3.4: SMTPUTF8 on MAIL when an address needs it (envelopeRefusal checked support).
  const needsUtf8 = utf8 && [envelope.from, ...envelope.to].some((address) => /[^\x00-\x7f]/.test(address));
  let commands = `MAIL FROM:<${envelope.from}>${needsUtf8 ? ' SMTPUTF8' : ''}\r\n`;
  for (const address of envelope.to) commands += `RCPT TO:<${address}>\r\n`;
  return `${commands}DATA\r\n`;
}

function allRefused(rejected: InFlight['rejected'], scrub: (text: string) => string): SmtpError {
  // A 4xx among the refusals makes the whole transient: retrying later may reach that recipient.
  const deferred = rejected.find((r) => r.reply.code >= 400 && r.reply.code <= 499) ?? rejected[rejected.length - 1];
  return new SmtpError(
    `The SMTP server refused every recipient: ${rejected.map((r) => `${r.address} (${scrub(r.reply.text)})`).join(', ')}`,
    {
      responseCode: deferred?.reply.code,
      transient: deferred !== undefined && deferred.reply.code >= 400 && deferred.reply.code <= 499,
      command: 'RCPT TO',
      rejected: rejected.map((r) => r.address),
      accepted: [],
    },
  );
}

/** One write of several parts, with any content still corked (one segment), waiting when the socket is full. */
async function write(socket: Socket, parts: (Buffer | string)[], reader: ReplyReader): Promise<void> {
  socket.cork();
  let ok = true;
  for (const part of parts) ok = socket.write(part) && ok;
  uncorkAll(socket);
  if (!ok) await drained(socket, reader);
}

function uncorkAll(socket: Socket): void {
  while (socket.writableCorked > 0) socket.uncork();
}

function drained(socket: Socket, reader: ReplyReader): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const off = reader.onFailure((error) => {
      socket.removeListener('drain', done);
      reject(new ConnectionLost(error));
    });
    const done = () => {
      off();
      resolve();
    };
    socket.once('drain', done);
  });
}
