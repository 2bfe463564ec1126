import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import {
  type BackendCapabilities,
  BaseEmailBackend,
  ConfigurationError,
  type DeliveryOutcome,
  type PreparedMessage,
} from '@mail/core';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { sendOneByOne } from './send-one-by-one.js';
import { sendPipelined } from './send-pipelined.js';
import { offersAuth, supportsExtension } from './session.js';
import { makeScrubber, SmtpError, toSmtpError } from './smtp-error.js';
import {
  type ResolvedSmtpOptions,
  resolveSmtpOptions,
  SMTP_OPTION_NAMES,
  type SmtpBackendOptions,
} from './smtp-options.js';

/** Time allowed for the reply to QUIT when no `timeout` is set. */
const QUIT_WAIT_MS = 2_000;

/** A step's deadline when no `timeout` is set: nodemailer's idle timeout (10 minutes). */
const DEFAULT_STEP_MS = 10 * 60 * 1000;

/**
 * Settle `work` within `ms`, else close `connection` and reject with `ETIMEDOUT`. nodemailer's
 * own timeouts are idle ones (reset by every byte), so a server trickling a byte at a time
 * would keep the step pending; this bounds it by the clock.
 */
function withDeadline<T>(work: Promise<T>, ms: number, connection: SMTPConnection, step: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      connection.close();
      reject(
        Object.assign(new Error(`Timeout: ${step} took longer than ${ms / 1000} s`), {
          code: 'ETIMEDOUT',
          command: step === 'AUTH' ? 'AUTH' : 'CONN',
        }),
      );
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
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
    if (this.#sessionOpen && this.#live()) return false;
    this.#connection = await this.#connect();
    this.#carried = false;
    const opened = !this.#sessionOpen;
    this.#sessionOpen = true;
    return opened;
  }

  /** Send QUIT and close the connection. Never rejects for a connection that already broke. */
  override async close(): Promise<void> {
    this.#sessionOpen = false;
    const connection = this.#connection;
    this.#connection = null;
    if (!connection || connection.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(
        finish,
        this.timeout === null ? QUIT_WAIT_MS : Math.min(this.timeout * 1000, QUIT_WAIT_MS),
      );
      function finish() {
        clearTimeout(timer);
        connection!.close();
        resolve();
      }
      connection.once('end', finish);
      connection.quit();
    });
  }

  protected override async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome): Promise<void> {
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

  async #connect(): Promise<SMTPConnection> {
    if (this.useTls && this.useSsl) {
      throw new ConfigurationError(
        'useTls (STARTTLS) and useSsl (implicit TLS) are mutually exclusive: set only one (emailUseTls / emailUseSsl).',
      );
    }
    const scrub = makeScrubber(this.username, this.#password);
    const ms = this.timeout === null ? undefined : Math.max(1, Math.round(this.timeout * 1000));
    const connection = new SMTPConnection({
      host: this.host,
      port: this.port,
      // Always explicit: nodemailer would otherwise switch to implicit TLS on port 465.
      secure: this.useSsl,
      // No opportunistic STARTTLS: plaintext unless asked (Django's behaviour, and predictable).
      // With useTls the upgrade happens because the server advertises STARTTLS; whether it did is
      // checked below, since nodemailer's requireTLS would try STARTTLS even when not advertised.
      ignoreTLS: !this.useTls,
      requireTLS: false,
      opportunisticTLS: false,
      tls: { ...this.#clientCertificate(), ...this.tlsOptions },
      connectionTimeout: ms,
      greetingTimeout: ms,
      socketTimeout: ms,
      dnsTimeout: ms,
      logger: false,
      debug: false,
    });
    // A connection that fails while idle (server timeout, reset) must not crash the process;
    // `destroyed` then tells the next send to reconnect.
    connection.on('error', () => {});
    // Connecting is several steps (TCP, the greeting, EHLO; the TLS handshake; STARTTLS, its
    // handshake and EHLO again), each allowed `timeout`: their sum is the deadline of the whole.
    const step = ms ?? DEFAULT_STEP_MS;
    const steps = 3 + (this.useSsl ? 1 : 0) + (this.useTls ? 3 : 0);
    try {
      await withDeadline(
        new Promise<void>((resolve, reject) => {
          const fail = (error: unknown) => reject(error);
          connection.once('error', fail);
          connection.connect((error) => {
            connection.removeListener('error', fail);
            if (error) reject(error);
            else resolve();
          });
        }),
        step * steps,
        connection,
        'connecting (TCP, greeting, EHLO, TLS)',
      );
      if (this.useTls && !connection.secure) {
        // RFC 3207 §4: STARTTLS was not advertised. Nothing (no AUTH, no MAIL) goes in plaintext.
        throw new SmtpError(
          `The SMTP server ${this.host}:${this.port} does not offer STARTTLS, which useTls requires; nothing was sent. ` +
            'Use useSsl for implicit TLS, or check the server configuration.',
          { transient: false, command: 'STARTTLS' },
        );
      }
      if (this.username && this.#password) {
        if (!offersAuth(connection)) {
          // As Python's smtplib: credentials go only to a server that advertised AUTH (RFC 4954).
          throw new SmtpError(
            `The SMTP server ${this.host}:${this.port} does not offer AUTH, but a username and password are set; ` +
              'no password was sent. ' +
              (this.useTls || this.useSsl ? '' : 'Many servers offer AUTH only over TLS: set useTls or useSsl. ') +
              'For a server that needs no login, leave username and password empty.',
            { transient: false, command: 'AUTH' },
          );
        }
        // AUTH LOGIN takes three round trips, PLAIN one: each allowed `timeout`.
        await withDeadline(
          new Promise<void>((resolve, reject) => {
            connection.login({ user: this.username, pass: this.#password }, (error) =>
              error ? reject(error) : resolve(),
            );
          }),
          step * 3,
          connection,
          'AUTH',
        );
      }
    } catch (error) {
      connection.close();
      throw toSmtpError(error, `Could not connect to the SMTP server ${this.host}:${this.port}`, scrub);
    }
    return connection;
  }

  #clientCertificate(): ConnectionOptions {
    const read = (path: string | null, what: string): Buffer | undefined => {
      if (!path) return undefined;
      try {
        return readFileSync(path);
      } catch (error) {
        throw new ConfigurationError(
          `Could not read the ${what} file ${JSON.stringify(path)}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    };
    const cert = read(this.sslCertfile, 'sslCertfile (client certificate)');
    const key = read(this.sslKeyfile, 'sslKeyfile (client key)');
    return { ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
}
