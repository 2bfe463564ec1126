import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { DeliveryOutcome, MimeMessage, PreparedMessage } from '@mail/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { DotStuffer } from './dot-stuffer.js';
import { ConnectionLost, drained, ReplyReader, type SmtpReply } from './reply-reader.js';
import {
  declaredSize,
  envelopeCommands,
  envelopeRefusal,
  type RunResult,
  resetOrClose,
  type SendRun,
  sizeRefusal,
  supportsExtension,
} from './session.js';
import { allRefused, lostAfterData, rejectedOf, replyError, replyLine, SmtpError, toSmtpError } from './smtp-error.js';

/** A message whose content went out (or waits, corked); the reply to its end of data is still to come. */
interface InFlight {
  message: PreparedMessage;
  /** What is still to be written of it: its content when held in memory, and its end of data. */
  rest: Buffer[];
  accepted: string[];
  rejected: { address: string; reply: SmtpReply }[];
  /** Its final `.` was written: from then on the server may have it. */
  ended: boolean;
}

/**
 * Content in memory is written without waiting for the socket to drain (waiting saves no memory,
 * the bytes are held anyway) until this much is queued in the socket.
 */
const QUEUE_LIMIT = 4 * 1024 * 1024;

/**
 * Sends `batch[start…]` over one connection with PIPELINING (RFC 2920): per message one write of
 * MAIL, every RCPT and DATA, then (after the 354) the content, whose end of data goes out in the
 * same write as the next message's envelope (§3.1: the content may start a group). One round
 * trip a message instead of nodemailer's two, and the content is dot-stuffed with native scans.
 * nodemailer still owns the session: connecting, STARTTLS, AUTH, timeouts, RSET and QUIT.
 *
 * What keeps it close to a raw socket (see docs/decisions.md, "Speed"): a message held in memory
 * (core's built message without files) is joined and dot-stuffed while the replies to its
 * envelope are on their way, then its content, end of data and the next envelope leave in one
 * write without waiting for 'drain'; replies already received are read without a promise each.
 *
 * Every reply is checked and reported in message order. Returns where it stopped: `next` is the
 * first message not reported, which got no reply at all (the connection broke before).
 */
export const sendPipelined: SendRun = (connection, batch, start, outcome, scrub) =>
  new PipelinedRun(connection, batch, outcome, scrub).run(start);

/**
 * One run of {@link sendPipelined}. A class rather than closures, so every run shares the same
 * (optimised) code: closures made per call would be new call targets for the JIT each batch.
 */
class PipelinedRun {
  readonly #connection: SMTPConnection;
  readonly #batch: readonly PreparedMessage[];
  readonly #outcome: DeliveryOutcome;
  readonly #scrub: (text: string) => string;
  readonly #reader: ReplyReader;
  readonly #socket: Socket;
  readonly #utf8: boolean;
  /** The server offers SIZE (RFC 1870). */
  readonly #size: boolean;
  /** The next message to look at. */
  #i = 0;
  /** A 421 reply: the server is closing the connection (RFC 5321 §3.8); it explains the loss. */
  #closing: SmtpReply | null = null;
  /** The message whose envelope went out and that is not reported yet (nor in flight). */
  #current: number | null = null;
  /** The current message got at least one reply. */
  #answered = false;
  #inFlight: InFlight | null = null;
  /** A transaction is open on the server (MAIL accepted, no DATA): RSET before the next MAIL. */
  #needRset = false;
  /** Commands or content were sent whose replies were not all read: only closing recovers. */
  #dirty = false;
  /** The content of the current message, started ahead of its 354. */
  #content: Content | null = null;

  constructor(
    connection: SMTPConnection,
    batch: readonly PreparedMessage[],
    outcome: DeliveryOutcome,
    scrub: (text: string) => string,
  ) {
    this.#connection = connection;
    this.#batch = batch;
    this.#outcome = outcome;
    this.#scrub = scrub;
    this.#reader = new ReplyReader(connection);
    this.#socket = (connection as unknown as { _socket: Socket })._socket;
    this.#utf8 = supportsExtension(connection, 'SMTPUTF8');
    this.#size = supportsExtension(connection, 'SIZE');
  }

  async run(start: number): Promise<RunResult> {
    this.#i = start;
    try {
      while (this.#i < this.#batch.length) {
        const stop = await this.#next();
        if (stop) return stop;
      }
      if (this.#inFlight) await this.#finishInFlight();
      return { next: this.#i, broken: false };
    } catch (error) {
      if (!(error instanceof ConnectionLost)) throw error;
      return this.#lost(error);
    } finally {
      this.#content?.cancel();
      this.#reader.release();
      if (this.#dirty) this.#connection.close();
      else if (this.#needRset) await resetOrClose(this.#connection);
    }
  }

  /** Send the next message of the batch; returns where the run stops, or null to go on. */
  async #next(): Promise<RunResult | null> {
    const scrub = this.#scrub;
    const message = this.#batch[this.#i];
    // SIZE (RFC 1870): the size goes with MAIL FROM, and a message over the limit goes nowhere.
    const size = this.#size && message.envelope.to.length > 0 ? await declaredSize(this.#connection, message) : null;
    const refusal = envelopeRefusal(this.#connection, message) ?? sizeRefusal(this.#connection, size);
    if (refusal || message.envelope.to.length === 0) {
      // Nothing of it goes out; the message before is finished first, to report in order.
      if (this.#inFlight) await this.#finishInFlight();
      this.#i++;
      // Django skips a message without recipients (not counted, not an error).
      if (refusal) this.#outcome.failed(message, refusal);
      return null;
    }

    this.#current = this.#i;
    this.#answered = false;
    this.#i++;
    // One write: the rest of the message before (its content and end of data), RSET if a
    // transaction is open, and this message's envelope (RFC 2920 §3.1).
    const envelope = envelopeCommands(message, this.#utf8, size);
    await this.#flush(this.#needRset ? ['RSET\r\n', envelope] : [envelope]);
    // Render the content now, while the replies are on their way. A message held in memory is
    // joined and dot-stuffed whole; one that reads files is streamed, and its stream buffers at
    // most its high-water mark ahead. Errors surface where the content is read.
    const content = contentOf(message.mime);
    this.#content = content;
    await this.#settle(true);
    if (this.#needRset) {
      const reply = await this.#read();
      this.#needRset = false;
      if (reply.code < 200 || reply.code > 299)
        throw new ConnectionLost(replyError('The SMTP server refused RSET', reply, 'RSET', scrub));
    }
    const mail = await this.#read();
    this.#answered = true;
    const accepted: string[] = [];
    const rejected: InFlight['rejected'] = [];
    for (const address of message.envelope.to) {
      const reply = await this.#read();
      if (reply.code >= 200 && reply.code <= 299) accepted.push(address);
      else rejected.push({ address, reply });
    }
    const data = await this.#read();
    if (mail.code < 200 || mail.code > 299 || accepted.length === 0 || data.code < 300 || data.code > 399) {
      return this.#refused(message, mail, rejected, accepted.length, data);
    }

    // 354: the content, dot-stuffed. Held in memory, it is written with its end of data and the
    // next envelope (#flush); streamed (files are never held whole), it goes out as it is read.
    let rest: Buffer[];
    try {
      rest = content.bytes ? await content.bytes : await this.#stream(content);
    } catch (error) {
      uncorkAll(this.#socket);
      if (error instanceof ConnectionLost) throw error;
      // The data cannot be ended without sending a truncated message: the connection is closed.
      this.#current = null;
      this.#outcome.failed(
        message,
        new SmtpError(`Could not read the message content: ${(error as Error).message}`, { cause: error }),
      );
      return { next: this.#i, broken: true };
    }
    this.#current = null;
    this.#inFlight = { message, rest, accepted, rejected, ended: false };
    return null;
  }

  /** Write a streamed content as it is read; resolves to its end of data, left to #flush. */
  async #stream(content: Content): Promise<Buffer[]> {
    const socket = this.#socket;
    const reader = this.#reader;
    const stuffer = content.stuffer;
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
    return [stuffer.end()];
  }

  /** The sender, every recipient or DATA refused: report the message, keep the session usable. */
  async #refused(
    message: PreparedMessage,
    mail: SmtpReply,
    rejected: InFlight['rejected'],
    accepted: number,
    data: SmtpReply,
  ): Promise<RunResult | null> {
    const scrub = this.#scrub;
    let error: SmtpError;
    let refusedRecipients = rejectedOf(rejected, scrub);
    let reply = data;
    if (mail.code < 200 || mail.code > 299 || accepted === 0) {
      if (data.code >= 300 && data.code <= 399) {
        // A server must refuse DATA without a sender or recipients; this one took it. End an
        // empty message with no one to go to, as nodemailer does.
        await write(this.#socket, ['.\r\n'], this.#reader);
        await this.#read();
      } else if (mail.code >= 200 && mail.code <= 299) {
        this.#needRset = true; // the transaction MAIL opened is still open
      }
      if (mail.code < 200 || mail.code > 299) {
        error = replyError('The SMTP server refused the sender', mail, 'MAIL FROM', scrub);
        reply = mail;
        refusedRecipients = [];
      } else {
        error = allRefused(rejected, scrub, message.envelope.from);
        reply = rejected[rejected.length - 1]!.reply;
        if (error.rejected.length === 0) refusedRecipients = []; // the sender was refused, not them
      }
    } else {
      this.#needRset = true;
      error = replyError('The SMTP server refused DATA', data, 'DATA', scrub);
    }
    // After a 421 the server is closing the channel (RFC 5321 §3.8): so do we.
    this.#dirty = this.#closing !== null;
    this.#current = null;
    this.#content?.cancel();
    this.#outcome.failed(message, error, { rejected: refusedRecipients, response: replyLine(reply, scrub) });
    return this.#closing ? { next: this.#i, broken: true } : null;
  }

  /** The connection broke: what went unanswered is reported failed, never as sent. */
  #lost(error: ConnectionLost): RunResult {
    this.#dirty = true;
    const scrub = this.#scrub;
    const lost: SmtpError = this.#closing
      ? replyError('The SMTP server closed the connection', this.#closing, 'CONN', scrub)
      : toSmtpError(error.error, 'The connection to the SMTP server failed', scrub);
    const done = this.#inFlight;
    this.#inFlight = null;
    if (done) this.#outcome.failed(done.message, done.ended ? lostAfterData(lost) : lost);
    const current = this.#current;
    if (current !== null && this.#answered) this.#outcome.failed(this.#batch[current], lost);
    // A message that got no reply at all is left to the caller, which may try it again.
    const unanswered = current !== null && !this.#answered;
    return { next: unanswered ? (current as number) : this.#i, broken: true, unanswered, error: lost };
  }

  /** The next reply: at once when it has come (the usual case after the first of a group). */
  #read(): SmtpReply | Promise<SmtpReply> {
    const ready = this.#reader.take();
    return ready ? this.#seen(ready) : this.#reader.next().then(this.#seenLater, broke);
  }

  #seen(reply: SmtpReply): SmtpReply {
    if (reply.code === 421) this.#closing = reply;
    return reply;
  }

  readonly #seenLater = (reply: SmtpReply): SmtpReply => this.#seen(reply);

  /** Write what is left of the message in flight, then `more` commands, in one write. */
  #flush(more: string[]): Promise<void> {
    this.#dirty = true;
    const done = this.#inFlight;
    if (!done) return write(this.#socket, more, this.#reader);
    done.ended = true;
    return write(this.#socket, [...done.rest, ...more], this.#reader);
  }

  /** Read the reply to the end of data of the message in flight (flushed) and report it. */
  async #settle(more: boolean): Promise<void> {
    const done = this.#inFlight;
    if (!done) return;
    const reply = await this.#read();
    this.#inFlight = null;
    if (!more) this.#dirty = false;
    const scrub = this.#scrub;
    const details = { rejected: rejectedOf(done.rejected, scrub), response: replyLine(reply, scrub) };
    if (reply.code < 200 || reply.code > 299)
      this.#outcome.failed(
        done.message,
        replyError('The SMTP server refused the message', reply, 'DATA', scrub),
        details,
      );
    // Accepted for some recipients: sent (as Django counts it), the refused ones in its report.
    else this.#outcome.delivered(done.message, { ...details, accepted: done.accepted });
  }

  /** Finish the message in flight, with nothing after it. */
  async #finishInFlight(): Promise<void> {
    await this.#flush([]);
    await this.#settle(false);
  }
}

function broke(error: unknown): Promise<never> {
  return Promise.reject(new ConnectionLost(error));
}

/** A message's content, started ahead of the 354 that lets it go out. */
interface Content {
  /** Held in memory: the whole content, dot-stuffed, and its end of data. */
  bytes: Promise<Buffer[]> | null;
  /** Streamed: the chunks, to go through `stuffer`. */
  chunks(): AsyncIterable<Buffer | string>;
  stuffer: DotStuffer;
  cancel(): void;
}

function contentOf(mime: MimeMessage): Content {
  // Core's built message says whether every part is in memory (no attachFile to read), and that
  // its line breaks are all CRLF (then dot-stuffing only searches for a dot after a line break).
  const stuffer = new DotStuffer({ crlf: mime.crlf === true });
  if (mime.isInMemory === true) {
    const bytes = mime.asBytes().then((whole) => [stuffer.push(whole), stuffer.end()]);
    bytes.catch(() => {});
    return { bytes, chunks: noChunks, stuffer, cancel() {} };
  }
  const stream: Readable = mime.stream();
  stream.on('error', () => {});
  stream.read(0);
  return { bytes: null, chunks: () => stream, stuffer, cancel: () => stream.destroy() };
}

async function* noChunks(): AsyncGenerator<Buffer> {}

/**
 * One write of several parts, with any content still corked (one segment). Waits for 'drain'
 * only when the socket holds more than {@link QUEUE_LIMIT}: a streamed content waits in its own
 * loop, and waiting for the rest (in memory already) would only add a turn of the event loop.
 */
async function write(socket: Socket, parts: (Buffer | string)[], reader: ReplyReader): Promise<void> {
  socket.cork();
  for (const part of parts) socket.write(part);
  uncorkAll(socket);
  if (socket.writableLength > QUEUE_LIMIT) await drained(socket, reader);
}

function uncorkAll(socket: Socket): void {
  while (socket.writableCorked > 0) socket.uncork();
}
