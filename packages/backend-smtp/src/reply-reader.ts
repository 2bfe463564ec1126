import type { Socket } from 'node:net';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** One complete SMTP reply: its code and its text (every line, each with its code, as sent). */
export interface SmtpReply {
  code: number;
  /** The reply as the server sent it, lines joined with a space. */
  text: string;
}

/** The parts of nodemailer's connection this module leans on (stable across its 10.x line). */
interface ConnectionInternals {
  _socket: Socket;
  _onSocketData: (chunk: Buffer) => void;
  options: { socketTimeout?: number };
}

const CR = 0x0d;
const DASH = 0x2d;
const NON_ASCII = /[^\x00-\x7f]/;

function isDigit(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}

function overlong(): Error {
  return Object.assign(new Error('The SMTP server sent an overlong reply'), { code: 'EPROTOCOL' });
}

function mixedCodes(first: string, last: string): Error {
  // RFC 5321 §4.2.1: every line of a multiline reply carries the same code. A reply that
  // mixes them (`550-…` then `250 …`) means nothing safe: it is neither accepted nor refused.
  return Object.assign(
    new Error(
      `The SMTP server sent a reply that mixes reply codes (${first} and ${last}); treating it as a protocol error`,
    ),
    { code: 'EPROTOCOL' },
  );
}

function timedOut(ms: number): Error {
  return Object.assign(new Error(`Timeout: no complete reply from the SMTP server within ${ms / 1000} s`), {
    code: 'ETIMEDOUT',
  });
}

/** nodemailer's idle timeout when none is set (10 minutes): the reply deadline then. */
const DEFAULT_REPLY_MS = 10 * 60 * 1000;

/** A reply longer than this is a broken or hostile server (nodemailer's limit too). */
const MAX_REPLY = 1024 * 1024;

/**
 * Reads SMTP replies (RFC 5321 §4.2: `250-…` continues, `250 …` ends) off a connection that
 * nodemailer opened, while this package pipelines transactions on it. It takes the socket's
 * data from nodemailer for as long as it is attached and gives it back on {@link release};
 * nodemailer keeps watching for errors, timeouts and the close, which fail every pending read.
 *
 * Each awaited reply has a deadline (the connection's `socketTimeout`, which the backend sets from
 * its `timeout` option): a reply that is not complete by then fails the connection with
 * `ETIMEDOUT`, however many bytes trickle in meanwhile (nodemailer's own timeout is an idle one,
 * reset by every byte). The lines of a multiline reply must share one code, else the connection
 * fails with a protocol error: both send paths read replies here, so both apply one rule.
 */
export class ReplyReader {
  readonly #connection: SMTPConnection & ConnectionInternals;
  readonly #socket: Socket;
  #pending = '';
  #lines: string[] = [];
  #linesLength = 0;
  readonly #ready: SmtpReply[] = [];
  readonly #waiters: { resolve: (reply: SmtpReply) => void; reject: (error: unknown) => void }[] = [];
  #failure: unknown = null;
  readonly #listeners = new Set<(error: unknown) => void>();
  readonly #deadlineMs: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(connection: SMTPConnection) {
    this.#connection = connection as SMTPConnection & ConnectionInternals;
    this.#socket = this.#connection._socket;
    this.#deadlineMs = this.#connection.options?.socketTimeout || DEFAULT_REPLY_MS;
    this.#socket.removeListener('data', this.#connection._onSocketData);
    this.#socket.on('data', this.#onData);
    connection.on('error', this.#onError);
    connection.on('end', this.#onEnd);
  }

  /** The next reply if it has already come (no promise, no wait), else undefined. */
  take(): SmtpReply | undefined {
    return this.#ready.shift();
  }

  /** The next reply; rejects when the connection failed or closed before it came. */
  next(): Promise<SmtpReply> {
    const reply = this.#ready.shift();
    if (reply) return Promise.resolve(reply);
    if (this.#failure) return Promise.reject(this.#failure);
    this.#arm();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Start the deadline for the reply now awaited (one timer per reader, re-armed). */
  #arm(): void {
    if (this.#waiters.length > 0) return; // already running for the first waiter
    if (this.#timer) this.#timer.refresh();
    else {
      this.#timer = setTimeout(this.#onDeadline, this.#deadlineMs);
      this.#timer.unref();
    }
  }

  readonly #onDeadline = (): void => {
    if (this.#waiters.length === 0) return;
    this.#fail(timedOut(this.#deadlineMs));
    this.#connection.close();
  };

  #disarm(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  /** Why the connection failed, if it did. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Call `listener` once the connection fails (at once if it has); returns the unsubscribe. */
  onFailure(listener: (error: unknown) => void): () => void {
    if (this.#failure) {
      listener(this.#failure);
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hand the socket back to nodemailer (for RSET and QUIT). */
  release(): void {
    this.#disarm();
    this.#socket.removeListener('data', this.#onData);
    this.#connection.removeListener('error', this.#onError);
    this.#connection.removeListener('end', this.#onEnd);
    if (!this.#connection.destroyed) this.#socket.on('data', this.#connection._onSocketData);
  }

  readonly #onData = (chunk: Buffer): void => {
    // latin1 keeps each byte one character, so a UTF-8 sequence split across chunks survives.
    const text = this.#pending + chunk.toString('latin1');
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      const line = text.slice(start, end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end);
      // `250-…` continues the reply (RFC 5321 §4.2.1); `250 …` or `250` ends it.
      if (line.length > 3 && line.charCodeAt(3) === DASH && isDigit(line, 0) && isDigit(line, 1) && isDigit(line, 2)) {
        this.#lines.push(line);
        this.#linesLength += line.length;
        // A server that never ends its multiline reply must not fill our memory.
        if (this.#linesLength > MAX_REPLY) {
          this.#lines = [];
          this.#fail(overlong());
          return;
        }
        continue;
      }
      let lines = line;
      if (this.#lines.length > 0) {
        const first = this.#lines[0].slice(0, 3);
        if (line.slice(0, 3) !== first) {
          this.#lines = [];
          this.#fail(mixedCodes(first, line.slice(0, 3)));
          return;
        }
        this.#lines.push(line);
        lines = this.#lines.join(' ');
        this.#lines = [];
        this.#linesLength = 0;
      }
      const code = Number.parseInt(line.slice(0, 3), 10);
      this.#deliver({
        code: Number.isNaN(code) ? 0 : code,
        text: NON_ASCII.test(lines) ? Buffer.from(lines, 'latin1').toString('utf8') : lines,
      });
    }
    this.#pending = start === 0 ? text : text.slice(start);
    if (this.#pending.length > MAX_REPLY) this.#fail(overlong());
  };

  readonly #onError = (error: unknown): void => {
    this.#fail(error);
  };

  readonly #onEnd = (): void => {
    this.#fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' }));
  };

  #deliver(reply: SmtpReply): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      // The next waiter (pipelined reads queue several) gets a fresh deadline.
      if (this.#waiters.length > 0) this.#timer?.refresh();
      else this.#disarm();
      waiter.resolve(reply);
    } else this.#ready.push(reply);
  }

  #fail(error: unknown): void {
    this.#disarm();
    this.#failure ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
    for (const listener of [...this.#listeners]) listener(this.#failure);
    this.#listeners.clear();
  }
}

/** A reply-reading failure: the connection broke (as opposed to a failure of the caller's own). */
export class ConnectionLost {
  constructor(readonly error: unknown) {}
}

/** Resolves on the socket's 'drain'; rejects with {@link ConnectionLost} when the connection fails first. */
export function drained(socket: Socket, reader: ReplyReader): Promise<void> {
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
