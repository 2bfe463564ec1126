import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigurationError } from '@mail/core';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { offersAuth } from './session.js';
import { makeScrubber, SmtpError, toSmtpError } from './smtp-error.js';
import type { ResolvedSmtpOptions } from './smtp-options.js';

/** Time allowed for the reply to QUIT when no `timeout` is set. */
const QUIT_WAIT_MS = 2_000;

/** A step's deadline when no `timeout` is set: nodemailer's idle timeout (10 minutes). */
const DEFAULT_STEP_MS = 10 * 60 * 1000;

/** What opening a connection needs: the resolved options (the password included). */
export type ConnectOptions = Pick<
  ResolvedSmtpOptions,
  | 'host'
  | 'port'
  | 'username'
  | 'password'
  | 'useTls'
  | 'useSsl'
  | 'timeout'
  | 'sslKeyfile'
  | 'sslCertfile'
  | 'tlsOptions'
>;

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
 * Open a connection with nodemailer's SMTP client: TCP, the greeting, EHLO, STARTTLS or
 * implicit TLS, AUTH. One place for the single-connection backend and the pool.
 */
export async function connectSmtp(options: ConnectOptions): Promise<SMTPConnection> {
  const { host, port, username, password, useTls, useSsl } = options;
  if (useTls && useSsl) {
    throw new ConfigurationError(
      'useTls (STARTTLS) and useSsl (implicit TLS) are mutually exclusive: set only one (emailUseTls / emailUseSsl).',
    );
  }
  const scrub = makeScrubber(username, password);
  const ms = options.timeout === null ? undefined : Math.max(1, Math.round(options.timeout * 1000));
  const connection = new SMTPConnection({
    host,
    port,
    // Always explicit: nodemailer would otherwise switch to implicit TLS on port 465.
    secure: useSsl,
    // No opportunistic STARTTLS: plaintext unless asked (Django's behaviour, and predictable).
    // With useTls the upgrade happens because the server advertises STARTTLS; whether it did is
    // checked below, since nodemailer's requireTLS would try STARTTLS even when not advertised.
    ignoreTLS: !useTls,
    requireTLS: false,
    opportunisticTLS: false,
    tls: { ...clientCertificate(options), ...options.tlsOptions },
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
  const steps = 3 + (useSsl ? 1 : 0) + (useTls ? 3 : 0);
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
    if (useTls && !connection.secure) {
      // RFC 3207 §4: STARTTLS was not advertised. Nothing (no AUTH, no MAIL) goes in plaintext.
      throw new SmtpError(
        `The SMTP server ${host}:${port} does not offer STARTTLS, which useTls requires; nothing was sent. ` +
          'Use useSsl for implicit TLS, or check the server configuration.',
        { transient: false, command: 'STARTTLS' },
      );
    }
    if (username && password) {
      if (!offersAuth(connection)) {
        // As Python's smtplib: credentials go only to a server that advertised AUTH (RFC 4954).
        throw new SmtpError(
          `The SMTP server ${host}:${port} does not offer AUTH, but a username and password are set; ` +
            'no password was sent. ' +
            (useTls || useSsl ? '' : 'Many servers offer AUTH only over TLS: set useTls or useSsl. ') +
            'For a server that needs no login, leave username and password empty.',
          { transient: false, command: 'AUTH' },
        );
      }
      // AUTH LOGIN takes three round trips, PLAIN one: each allowed `timeout`.
      await withDeadline(
        new Promise<void>((resolve, reject) => {
          connection.login({ user: username, pass: password }, (error) => (error ? reject(error) : resolve()));
        }),
        step * 3,
        connection,
        'AUTH',
      );
    }
  } catch (error) {
    connection.close();
    throw toSmtpError(error, `Could not connect to the SMTP server ${host}:${port}`, scrub);
  }
  return connection;
}

/** Send QUIT and close the connection, waiting at most `timeout` (2 s at most) for the reply. Never rejects. */
export function quitSmtp(connection: SMTPConnection, timeout: number | null): Promise<void> {
  if (connection.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(finish, timeout === null ? QUIT_WAIT_MS : Math.min(timeout * 1000, QUIT_WAIT_MS));
    function finish() {
      clearTimeout(timer);
      connection.close();
      resolve();
    }
    connection.once('end', finish);
    connection.quit();
  });
}

function clientCertificate({ sslCertfile, sslKeyfile }: ConnectOptions): ConnectionOptions {
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
  const cert = read(sslCertfile, 'sslCertfile (client certificate)');
  const key = read(sslKeyfile, 'sslKeyfile (client key)');
  return { ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
