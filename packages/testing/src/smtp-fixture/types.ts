import type { ParsedMail } from 'mailparser';
import type { ReceivedAlternative } from './alternatives.js';

export type { ReceivedAlternative } from './alternatives.js';

/** A point in an SMTP session where a fault can be injected. */
export type SmtpStage = 'greeting' | 'mail' | 'rcpt' | 'data';

/** An SMTP reply the fixture sends instead of accepting: a reply code (RFC 5321 §4.2) and its text. */
export interface SmtpReply {
  /** Reply code, e.g. 550 (permanent) or 451 (transient). */
  code: number;
  /** Reply text; a generic one is used when omitted. */
  message?: string;
}

/**
 * Scripted failures. Every fault is optional; with none the fixture accepts everything.
 * The object is kept as `smtp.faults` and may be changed between sends.
 */
export interface SmtpFaults {
  /**
   * Refuse the sender with this reply: for every sender, or only for `address` when given. At
   * `MAIL FROM` by default; `at: 'rcpt'` refuses it at every `RCPT TO` instead, as Postfix does
   * with `smtpd_delay_reject` (the default text then is Postfix's `<sender>: Sender address rejected`).
   */
  rejectSender?: SmtpReply & { address?: string; at?: 'mail' | 'rcpt' };
  /** Refuse `RCPT TO` for these addresses (case-insensitive): a reply code or a full reply. */
  rejectRecipients?: Record<string, number | SmtpReply>;
  /** Answer the end of `DATA` with this reply (4xx transient, 5xx permanent); nothing is recorded. */
  failData?: SmtpReply;
  /**
   * Drop the connection without a reply at this stage: `'greeting'` before the 220 banner,
   * `'mail'` / `'rcpt'` on that command, `'data'` in the middle of the message content.
   */
  dropAt?: SmtpStage;
  /** Never answer at this stage (the socket stays open), to exercise client timeouts. */
  hangAt?: SmtpStage;
  /** Delay the reply by this many milliseconds: at every stage, or per stage. */
  delay?: number | Partial<Record<SmtpStage, number>>;
  /**
   * Fail the first `count` attempts at a stage, then accept: a number is `{ count }`.
   * Defaults: stage `'data'`, code 451 (421 at `'greeting'`, which also closes the connection).
   */
  failFirst?: number | (Partial<SmtpReply> & { count: number; at?: SmtpStage });
  /**
   * Faults for single attempts in the middle of a run: the `attempt`-th time a stage is reached
   * (1-based, counted since the fixture started, as `failFirst` counts), answer with a reply or
   * drop the connection. Checked before every other fault.
   */
  failAt?: readonly SmtpFaultAt[];
  /**
   * Decide a stage yourself: called first at every stage (with the address at `mail` and
   * `rcpt`); a reply rejects, `'drop'` cuts the connection, `undefined` leaves it to the other faults.
   */
  decide?: (stage: SmtpStage, address?: string) => SmtpReply | 'drop' | undefined;
}

/** One scripted fault of {@link SmtpFaults.failAt}. */
export interface SmtpFaultAt {
  /** The stage. */
  at: SmtpStage;
  /** Which time(s) the stage is reached: 1-based, counted since the fixture started. */
  attempt: number | readonly number[];
  /** The reply code; default 421 (the server closes the connection after it, RFC 5321 §3.8). */
  code?: number;
  /** The reply text; a generic one when omitted. */
  message?: string;
  /**
   * Drop the connection instead of replying. At `'data'`, `true` drops in the middle of the
   * content (nothing recorded); `'after-content'` takes the whole message (recorded in
   * `messages`: the server has it) and drops before the reply to its final `.`.
   */
  drop?: true | 'after-content';
}

/** Options of {@link startSmtpServer}. */
export interface SmtpFixtureOptions {
  /** Require AUTH (PLAIN or LOGIN) with these credentials; anything else gets 535. */
  auth?: { username: string; password: string };
  /**
   * `false` (default): plaintext, STARTTLS not offered. `'starttls'`: STARTTLS offered and
   * required before `MAIL` and `AUTH`. `'implicit'`: TLS from the first byte (SMTPS).
   * The certificate is generated in-process for `127.0.0.1` and `localhost`.
   */
  tls?: false | 'starttls' | 'implicit';
  /** With `tls: 'starttls'`: neither advertise nor accept STARTTLS, and let `MAIL` through in plaintext. */
  hideStartTls?: boolean;
  /** Do not advertise SMTPUTF8 (RFC 6531). */
  hideSmtpUtf8?: boolean;
  /** Do not advertise 8BITMIME (RFC 6152). */
  hide8BitMime?: boolean;
  /** Maximum message size in bytes, advertised with SIZE (RFC 1870); larger messages get 552. */
  size?: number;
  /** Scripted failures; see {@link SmtpFaults}. */
  faults?: SmtpFaults;
  /** Address to listen on (default `127.0.0.1`). */
  host?: string;
  /** Port to listen on (default 0: a free port, so tests can run in parallel). */
  port?: number;
  /** Called with each message once it is in `messages` (before the 250 reply). */
  onMessage?: (message: ReceivedMessage) => void;
}

/** The envelope of a received message, addresses exactly as the client wrote them (IDNA A-labels stay A-labels). */
export interface ReceivedEnvelope {
  /** `MAIL FROM` address ('' for the null sender). */
  mailFrom: string;
  /** `RCPT TO` addresses that were accepted, in order. */
  rcptTo: string[];
  /** The client asked for SMTPUTF8 (RFC 6531) on `MAIL FROM`. */
  smtpUtf8: boolean;
  /** `BODY=` of `MAIL FROM`: `'7bit'` unless the client declared `8bitmime` (RFC 6152). */
  bodyType: string;
}

/** A message the fixture accepted. */
export interface ReceivedMessage {
  envelope: ReceivedEnvelope;
  /** The bytes received after `DATA`, dot-unstuffed, without the final `.`. */
  raw: Buffer;
  /** The message parsed by mailparser (`cid:` links in the HTML kept as sent, not rewritten to data: URLs). */
  parsed: ParsedMail;
  /**
   * Every part of the message's `multipart/alternative`, with its Content-Type as sent and its
   * decoded content (mailparser's `parsed` keeps only `text` and `html`, and lists a calendar
   * invite or any other alternative among its attachments).
   */
  alternatives: ReceivedAlternative[];
  /** The session was on TLS (implicit or after STARTTLS). */
  secure: boolean;
  /** The user name it authenticated as, if any. */
  user?: string;
  /** Id of the SMTP session (connection) it came on; equal ids mean a reused connection. */
  session: string;
  /** The queue id the fixture gave it, in its reply to the final `.`: `250 OK: queued as <queueId>`. */
  queueId?: string;
}

/** Something that happened in a session; the fixture keeps them in `smtp.events` (never a password). */
export interface SmtpEvent {
  type: 'connect' | 'secure' | 'auth' | 'mail' | 'rcpt' | 'data' | 'drop' | 'close';
  /** The session id. */
  session: string;
  /** The address of a `mail` or `rcpt` event. */
  address?: string;
  /** The user name of an `auth` event. */
  username?: string;
  /** The stage of a `drop` event. */
  stage?: SmtpStage;
  /** The reply code the fixture chose (250 accepted, else the failure's code). */
  code?: number;
}

/**
 * Options for the smtp backend (`@mail/backend-smtp`) that reach a fixture. A type alias, not an
 * interface, so it fits `getConnection()`'s `{ [option: string]: unknown }` options.
 */
export type SmtpFixtureBackendOptions = {
  host: string;
  port: number;
  username?: string;
  password?: string;
  useTls?: boolean;
  useSsl?: boolean;
  /** Passed to Node's `tls`: trusts the fixture's generated certificate. */
  tlsOptions?: { ca: string; servername?: string };
};
