import type { ConnectionOptions } from 'node:tls';
import {
  type BackendCapabilities,
  BaseEmailBackend,
  ConfigurationError,
  type DeliveryOutcome,
  type PreparedMessage,
  type RateLimit,
  type ResolvedPool,
} from '@mail/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { connectSmtp, quitSmtp } from './connect.js';
import { poolFor, type SmtpPool } from './pool.js';
import { sendOneByOne } from './send-one-by-one.js';
import { sendPipelined } from './send-pipelined.js';
import { supportsExtension } from './session.js';
import { makeScrubber, SmtpError } from './smtp-error.js';
import {
  type ResolvedSmtpOptions,
  resolveSmtpOptions,
  SMTP_OPTION_NAMES,
  type SmtpBackendOptions,
} from './smtp-options.js';

/** `outcome.delivered` / `failed` with whatever the send path passed along for the message. */
interface Reporting {
  delivered(message: PreparedMessage | undefined, ...args: unknown[]): void;
  failed(message: PreparedMessage | undefined, error: unknown, ...args: unknown[]): void;
}

/**
 * Sends mail over SMTP with nodemailer's SMTP client, as Django's `smtp.EmailBackend` does.
 *
 * One connection lives from `open()` to `close()` and carries every `sendMessages` in between;
 * `sendMessages` opens and closes one itself when none is open. A connection that broke or timed
 * out is never reused: the next message reconnects (and a message that got no reply at all on a
 * connection that had been idle, which the server may have dropped, is tried once more). The
 * bytes sent are those of the built message (streamed when it reads `attachFile` files),
 * dot-stuffed with bare CR and LF made CRLF (RFC 5321 §4.5.2, so no body can end the data
 * early); the envelope comes from `fromEmail` and `recipients()`, Bcc included.
 *
 * nodemailer's SMTP client connects, upgrades (STARTTLS or implicit TLS), authenticates and
 * watches timeouts. When the server offers PIPELINING (RFC 2920), messages go out with one round
 * trip each (the end of one message and the next envelope in one write); otherwise through
 * nodemailer's `send()`, one command at a time. A message without recipients is skipped and not
 * counted, as in Django.
 *
 * Without `useTls` or `useSsl` the connection stays plaintext even when the server offers
 * STARTTLS (as Django; nodemailer would upgrade opportunistically, which is turned off so the
 * behaviour is predictable). With `useTls`, a server that does not advertise STARTTLS is an
 * error before anything (AUTH, MAIL) is sent. Certificates are verified unless `tlsOptions`
 * says otherwise (`{ rejectUnauthorized: false }`).
 *
 * A message refused for some recipients but accepted for others counts as sent, as in Django,
 * and the batch goes on: `message.delivery` lists the `accepted` and the `rejected` recipients
 * (each with its reply code and text) and the server's final reply (with its queue id). A sender
 * refused at `RCPT TO` (Postfix's `smtpd_delay_reject`) is reported as a refused sender, not as
 * a list of refused recipients.
 *
 * @example
 * ```ts
 * import { EmailBackend } from '@mail/backend-smtp';
 * await using backend = new EmailBackend({ host: 'smtp.example.com', port: 587, useTls: true,
 *                                          username: 'me', password: process.env.SMTP_PASSWORD });
 * await backend.open();
 * const sent = await backend.sendMessages(messages); // one connection for all
 * ```
 */
export class SmtpBackend extends BaseEmailBackend implements Omit<ResolvedSmtpOptions, 'password'> {
  /** The name in send events and delivery reports. */
  static override readonly backendName: string = 'smtp';
  /** The options this backend accepts (a mailer entry with any other option is a configuration error). */
  static override readonly optionNames: readonly string[] = SMTP_OPTION_NAMES;

  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: true };

  host: string;
  port: number;
  username: string;
  useTls: boolean;
  useSsl: boolean;
  /** Seconds for connecting, the greeting and every reply; `null` keeps nodemailer's defaults (2 min, 30 s, 10 min). */
  timeout: number | null;
  sslKeyfile: string | null;
  sslCertfile: string | null;
  tlsOptions: ConnectionOptions;
  /** The shared pool's limits (`pool` option), or null: one connection of its own. */
  pool: ResolvedPool | null;
  /** The shared pool's rate limit, or null. */
  rateLimit: RateLimit | null;

  // Private, and exposed through an accessor, so util.inspect(backend) never shows it.
  #password: string;
  #connection: SMTPConnection | null = null;
  /** Between a successful `open()` and `close()`. */
  #sessionOpen = false;
  /** Why the last `open()` failed silently. */
  /** The current connection has carried at least one message. */
  #carried = false;

  constructor(options: SmtpBackendOptions = {}) {
    super(options);
    const resolved = resolveSmtpOptions(options, this.settingDefaults());
    this.host = resolved.host;
    this.port = resolved.port;
    this.username = resolved.username;
    this.#password = resolved.password;
    this.useTls = resolved.useTls;
    this.useSsl = resolved.useSsl;
    this.timeout = resolved.timeout;
    this.sslKeyfile = resolved.sslKeyfile;
    this.sslCertfile = resolved.sslCertfile;
    this.tlsOptions = resolved.tlsOptions;
    this.pool = resolved.pool;
    this.rateLimit = resolved.rateLimit;
  }

  /** The AUTH password. Not an own property, so `util.inspect(backend)` does not show it. */
  get password(): string {
    return this.#password;
  }
  set password(value: string) {
    this.#password = value;
  }

  /**
   * Connect (TLS and AUTH included). Resolves true when it opened a new connection, false when
   * one was open. With `failSilently` a failure resolves false instead of rejecting (Django; the
   * base class's rule for every backend).
   */
  override async open(): Promise<boolean> {
    if (this.pool) return this.#openPool();
    if (this.#sessionOpen && this.#live()) return false;
    this.#connection = await this.#connect();
    this.#carried = false;
    const opened = !this.#sessionOpen;
    this.#sessionOpen = true;
    return opened;
  }

  /**
   * Send QUIT and close the connection. Never rejects for a connection that already broke. With
   * `pool` it closes nothing: the pool's connections carry other backends' sends, and close
   * themselves once idle for `idleTimeout`.
   */
  override async close(): Promise<void> {
    this.#sessionOpen = false;
    const connection = this.#connection;
    this.#connection = null;
    if (connection) await quitSmtp(connection, this.timeout);
  }

  /**
   * With a pool, `open()` starts this backend's session (true when it was not open) and makes
   * sure the pool has a connection; `close()` ends the session and leaves the pool's connections
   * to the other backends that share them.
   */
  async #openPool(): Promise<boolean> {
    if (this.#sessionOpen) return false;
    try {
      await this.#sharedPool().warm();
    } catch (error) {
      if (this.failSilently && !(error instanceof ConfigurationError)) return false;
      throw error;
    }
    this.#sessionOpen = true;
    return true;
  }

  /** The pool of every backend with this alias and these options (one is made for the first). */
  #sharedPool(): SmtpPool {
    return poolFor(this.alias, {
      connect: { ...this.#connectOptions() },
      pool: this.pool!,
      rateLimit: this.rateLimit,
    });
  }

  protected override async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome): Promise<void> {
    if (this.pool) {
      const reports = await this.#sharedPool().send(batch, !this.failSilently && this.retry === null);
      // In batch order, so a failure stops the count where it happened, as without a pool.
      reports.forEach((report, i) => {
        if (report === undefined) return;
        if (report.delivered) (outcome as unknown as Reporting).delivered(batch[i], ...report.args);
        else (outcome as unknown as Reporting).failed(batch[i], report.error, ...report.args);
      });
      return;
    }
    const scrub = makeScrubber(this.username, this.#password);
    let next = 0;
    let retried = -1;
    while (next < batch.length) {
      // A connection that already carried messages and may have sat idle since.
      const reused = this.#live() && this.#carried;
      let connection: SMTPConnection;
      try {
        connection = await this.#ensureConnection();
      } catch (error) {
        // Without a connection none of the rest can go either: report them all with this error.
        for (const rest of batch.slice(next)) outcome.failed(rest, error);
        return;
      }
      const run = supportsExtension(connection, 'PIPELINING') ? sendPipelined : sendOneByOne;
      const start = next;
      const result = await run(connection, batch, start, outcome, scrub);
      next = result.next;
      if (next > start) this.#carried = true;
      if (next >= batch.length) return;
      if (!result.unanswered) continue; // the connection was closed after a reported failure: reconnect
      // The message at `next` got no reply at all: the connection broke before the server said
      // anything about it, so it was not accepted. When that connection was reused (an idle one
      // the server may have dropped meanwhile), it is tried once more on a new one; else it failed.
      if (reused && next === start && retried !== next) {
        retried = next;
        continue;
      }
      outcome.failed(batch[next], result.error);
      next++;
    }
  }

  #live(): boolean {
    return this.#connection !== null && !this.#connection.destroyed;
  }

  /** The open connection, or a new one when it broke. */
  async #ensureConnection(): Promise<SMTPConnection> {
    if (this.#live()) return this.#connection!;
    this.#connection = null;
    // Not open (an open() failed silently): nothing would close a connection made here.
    if (!this.#sessionOpen) throw new SmtpError('The SMTP connection is not open.', { transient: true });
    this.#connection = await this.#connect();
    return this.#connection;
  }

  #connect(): Promise<SMTPConnection> {
    return connectSmtp(this.#connectOptions());
  }

  #connectOptions() {
    const { host, port, username, useTls, useSsl, timeout, sslKeyfile, sslCertfile, tlsOptions } = this;
    return {
      host,
      port,
      username,
      password: this.#password,
      useTls,
      useSsl,
      timeout,
      sslKeyfile,
      sslCertfile,
      tlsOptions,
    };
  }
}
