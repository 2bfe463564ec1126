import { type RejectedRecipient, SendError, type SendErrorOptions } from '@mail/core';

/** Options of {@link SmtpError}, beyond those of `SendError`. */
export interface SmtpErrorOptions extends SendErrorOptions {
  /** The server's reply code (`550`, `421`…), when the server replied. */
  responseCode?: number;
  /** The SMTP step that failed: `CONN`, `EHLO`, `STARTTLS`, `AUTH PLAIN`, `MAIL FROM`, `RCPT TO`, `DATA`… */
  command?: string;
  /** Recipients the server refused for the failed message. */
  rejected?: readonly string[];
  /** Recipients the server accepted for the failed message (it may have been delivered to them). */
  accepted?: readonly string[];
}

/**
 * An SMTP delivery failure. Extends `SendError` with the server's reply code and the recipients
 * it refused or accepted. `transient` is true for 4xx replies, timeouts and dropped or refused
 * connections (retrying later may work) and false for 5xx replies and local problems. The server's
 * reply is in the message; the underlying error (its `code` is the system error, such as
 * `ECONNREFUSED`, when there was one) is the `cause`. No password ever appears in either.
 *
 * @example
 * ```ts
 * import { SmtpError } from '@mail/backend-smtp';
 * try {
 *   await sendMail({ subject, message, recipientList: ['a@example.com'] });
 * } catch (error) {
 *   if (error instanceof SmtpError && error.transient) retryLater();
 * }
 * ```
 */
export class SmtpError extends SendError {
  /** Stable across bundlers and across copies of the package (see docs/errors.md). */
  static override readonly errorName: string = 'SmtpError';
  /** The server's reply code, when it replied. */
  responseCode: number | undefined;
  /** The SMTP step that failed, when known. */
  command: string | undefined;
  /** Recipients refused by the server (empty unless a recipient was refused). */
  rejected: readonly string[];
  /** Recipients the server accepted for the failed message. */
  accepted: readonly string[];

  constructor(message: string, options: SmtpErrorOptions = {}) {
    super(message, options);
    this.responseCode = options.responseCode;
    this.command = options.command;
    this.rejected = options.rejected ?? [];
    this.accepted = options.accepted ?? [];
  }
}

/**
 * Server text made safe to print: control characters (C0, DEL, C1, U+2028/U+2029) shown as
 * escapes (`\x1b`, `\r`), so a reply cannot retitle a terminal, clear it or forge log lines.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** Server text for a message: the password scrubbed, controls escaped. */
function shown(scrub: (text: string) => string, text: string): string {
  return escapeControls(scrub(text));
}

/** An error for a server reply that refused a step (`what` says which). */
export function replyError(
  what: string,
  reply: { code: number; text: string },
  command: string,
  scrub: (text: string) => string,
): SmtpError {
  return new SmtpError(`${what}: ${shown(scrub, reply.text)}`, {
    responseCode: reply.code,
    transient: reply.code >= 400 && reply.code <= 499,
    command,
  });
}

/** A server reply as a report shows it (its code and text), the password scrubbed, controls escaped. */
export function replyLine(reply: { code: number; text: string }, scrub: (text: string) => string): string {
  return shown(scrub, reply.text);
}

/** The refused recipients of a message, for its delivery report. */
export function rejectedOf(
  rejected: readonly { address: string; reply: { code: number; text: string } }[],
  scrub: (text: string) => string,
): RejectedRecipient[] {
  return rejected.map(({ address, reply }) => ({ address, code: reply.code, response: replyLine(reply, scrub) }));
}

/**
 * Whether a reply to `RCPT TO` refuses the sender rather than the recipient, as Postfix does with
 * `smtpd_delay_reject` (its default): an enhanced status X.1.7 or X.1.8 (RFC 3463: the sender's
 * address), or Postfix's `Sender address rejected`, or the reply naming `<sender>` and not the recipient.
 */
function refusesSender(address: string, reply: { text: string }, sender: string): boolean {
  const text = reply.text.replace(/^\d{3}[ -]?/, '');
  if (/^[45]\.1\.[78]\b/.test(text) || /\bsender address rejected\b/i.test(text)) return true;
  const lower = text.toLowerCase();
  return (
    sender !== '' &&
    sender.toLowerCase() !== address.toLowerCase() &&
    lower.includes(`<${sender.toLowerCase()}>`) &&
    !lower.includes(`<${address.toLowerCase()}>`)
  );
}

/**
 * Every recipient refused: transient when one of the refusals was (4xx). When every refusal is
 * about the sender (Postfix refuses a bad sender at RCPT TO, not at MAIL FROM), the error says
 * the sender was refused, at RCPT TO, and lists no recipient as refused.
 */
export function allRefused(
  rejected: readonly { address: string; reply: { code: number; text: string } }[],
  scrub: (text: string) => string,
  sender: string,
): SmtpError {
  // A 4xx among the refusals makes the whole transient: retrying later may reach that recipient.
  const deferred = rejected.find((r) => r.reply.code >= 400 && r.reply.code <= 499) ?? rejected[rejected.length - 1];
  const options = {
    responseCode: deferred?.reply.code,
    transient: deferred !== undefined && deferred.reply.code >= 400 && deferred.reply.code <= 499,
    command: 'RCPT TO',
  };
  if (rejected.length > 0 && rejected.every((r) => refusesSender(r.address, r.reply, sender))) {
    return new SmtpError(
      `The SMTP server refused the sender <${sender}> (at RCPT TO): ${shown(scrub, deferred!.reply.text)}`,
      { ...options, rejected: [], accepted: [] },
    );
  }
  return new SmtpError(
    `The SMTP server refused every recipient: ${rejected.map((r) => `${r.address} (${shown(scrub, r.reply.text)})`).join(', ')}`,
    { ...options, rejected: rejected.map((r) => r.address), accepted: [] },
  );
}

/**
 * The connection broke after a message's final `.` went out and before the server's reply to it:
 * the server may have the message. Marked `maybeDelivered`, so no retry sends it again.
 */
export function lostAfterData(lost: SmtpError): SmtpError {
  return new SmtpError(
    `${lost.message}, after the message's final "." was sent and before the server's reply to it: ` +
      "the server may have accepted it, so it is not sent again (check the recipient's mailbox or the server log)",
    {
      cause: lost.cause,
      transient: lost.transient,
      maybeDelivered: true,
      command: 'DATA',
      responseCode: lost.responseCode,
    },
  );
}

/** What nodemailer's SMTP client puts on its errors (see its `_formatError`). */
interface NodemailerSmtpError extends Error {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  errno?: number;
  syscall?: string;
  address?: string;
  port?: number;
  timeoutType?: string;
  recipient?: string;
  rejected?: string[];
  rejectedErrors?: NodemailerSmtpError[];
}

/** Client-side error codes meaning the connection broke or never came up: worth retrying. */
const TRANSIENT_CODES = new Set(['ETIMEDOUT', 'ECONNECTION', 'ESOCKET']);
/** System error codes (from the socket or DNS) that are worth retrying. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The peer dropped the connection without a reply. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Removes every form in which a password could appear in a string: in clear, base64 alone
 * (AUTH LOGIN, RFC 4954 §4) and base64 of `\0user\0password` (AUTH PLAIN, RFC 4616 §2),
 * and percent-encoded (URLs). A server may echo what it received in its reply.
 */
export function makeScrubber(username: string, password: string): (text: string) => string {
  if (!password) return (text) => text;
  const forms = new Set<string>([
    password,
    Buffer.from(password, 'utf8').toString('base64'),
    Buffer.from(`\u0000${username}\u0000${password}`, 'utf8').toString('base64'),
    Buffer.from(`${username}\u0000${username}\u0000${password}`, 'utf8').toString('base64'),
    encodeURIComponent(password),
  ]);
  const sorted = [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const form of sorted) out = out.split(form).join('[redacted]');
    return out;
  };
}

/**
 * Turns an error of nodemailer's SMTP client into an {@link SmtpError}. The cause is a fresh copy
 * holding only known fields, every string scrubbed, so neither the message nor `util.inspect`
 * of the error and its causes can show the password (nodemailer's own objects keep credentials).
 */
export function toSmtpError(error: unknown, what: string, scrub: (text: string) => string): SmtpError {
  if (error instanceof SmtpError) return error;
  const source = (error ?? {}) as NodemailerSmtpError;
  const cause = scrubbedCopy(source, scrub);
  const responseCode = typeof source.responseCode === 'number' ? source.responseCode : undefined;
  const systemCode = source.originalCode ?? source.code;
  const transient =
    responseCode !== undefined
      ? responseCode >= 400 && responseCode < 500
      : !isCertificateError(source) &&
        (TRANSIENT_CODES.has(source.code ?? '') || TRANSIENT_SYSTEM_CODES.has(systemCode ?? ''));
  const said = source.message ? shown(scrub, source.message) : escapeControls(String(error));
  // A reset is the server's (or the network's) doing: say so, rather than the step's `what`.
  const reason = RESET_CODES.has(systemCode ?? '') ? `the server reset the connection (${said})` : said;
  return new SmtpError(`${what}: ${reason}${hint(source)}`, {
    cause,
    responseCode,
    transient,
    command: source.command,
    rejected: source.rejected ? [...source.rejected] : undefined,
  });
}

/** What to do about the common failures. */
function hint(error: NodemailerSmtpError): string {
  const system = error.originalCode ?? error.code;
  if (system === 'ECONNREFUSED') return ' (is the SMTP server running, and are host and port right?)';
  if (error.code === 'ETIMEDOUT')
    return ' (the server did not answer in time; check host, port and the timeout option)';
  if (error.code === 'EAUTH') return ' (check username and password)';
  if (isCertificateError(error)) {
    return ' (the server certificate did not verify; pass its CA in tlsOptions: { ca })';
  }
  return '';
}

/** A certificate that did not verify: a configuration problem, not worth retrying as is. */
function isCertificateError(error: NodemailerSmtpError): boolean {
  const system = error.originalCode ?? '';
  return (
    /CERT|SELF_SIGNED|ALTNAME/.test(system) ||
    /certificate|self[- ]signed|unable to verify|altnames/i.test(error.message ?? '')
  );
}

function scrubbedCopy(source: NodemailerSmtpError, scrub: (text: string) => string): Error {
  const message = String(source.message ?? source);
  const copy = new Error(shown(scrub, message));
  copy.name = typeof source.name === 'string' ? source.name : 'Error';
  // The stack starts with the message: the server's words in it are escaped as well.
  if (typeof source.stack === 'string') copy.stack = scrub(source.stack.replace(message, copy.message));
  const fields = copy as NodemailerSmtpError & { smtpCode?: string };
  // `code` is the system error when there was one (ECONNREFUSED…), nodemailer's kind otherwise.
  if (source.originalCode ?? source.code) fields.code = source.originalCode ?? source.code;
  if (source.originalCode && source.code) fields.smtpCode = source.code;
  if (typeof source.responseCode === 'number') fields.responseCode = source.responseCode;
  if (typeof source.response === 'string') fields.response = shown(scrub, source.response);
  if (typeof source.command === 'string') fields.command = source.command;
  for (const key of ['errno', 'syscall', 'address', 'port', 'timeoutType', 'recipient'] as const) {
    const value = source[key];
    if (value !== undefined)
      (fields as unknown as Record<string, unknown>)[key] = typeof value === 'string' ? scrub(value) : value;
  }
  return copy;
}
