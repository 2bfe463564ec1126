import type { BaseEmailBackend } from './backends/base-email-backend.js';
import { connectionFor } from './connection.js';
import { checkConnectionChoice } from './connection-choice.js';
import { EmailMessage } from './message/email-message.js';
import { EmailMultiAlternatives } from './message/email-multi-alternatives.js';
import type { AddressEntry } from './settings/definitions.js';
import { getSettings } from './settings/settings-store.js';

/** Arguments of {@link sendMail}. */
export interface SendMailOptions {
  subject: string;
  message: string;
  /** null, '' or omitted: the `defaultFromEmail` setting. */
  fromEmail?: string | null;
  recipientList: readonly string[];
  failSilently?: boolean;
  authUser?: string | null;
  authPassword?: string | null;
  connection?: BaseEmailBackend | null;
  /** A `mailers` alias; not together with `connection`, `authUser` or `authPassword`. */
  using?: string | null;
  /** Sent as a `text/html` alternative (an `EmailMultiAlternatives`). */
  htmlMessage?: string | null;
}

/** Options of {@link sendMassMail}. */
export interface SendMassMailOptions {
  failSilently?: boolean;
  authUser?: string | null;
  authPassword?: string | null;
  connection?: BaseEmailBackend | null;
  using?: string | null;
}

/** One message of {@link sendMassMail}: subject, body, sender (null: `defaultFromEmail`), recipients. */
export type MassMailTuple = readonly [
  subject: string,
  message: string,
  fromEmail: string | null | undefined,
  recipientList: readonly string[],
];

/** Arguments of {@link mailAdmins} and {@link mailManagers}. */
export interface MailAdminsOptions {
  subject: string;
  message: string;
  failSilently?: boolean;
  connection?: BaseEmailBackend | null;
  using?: string | null;
  htmlMessage?: string | null;
}

function requireObject(fn: string, args: unknown): void {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new TypeError(`${fn}() takes one object of named arguments, e.g. ${fn}({ subject, message, … }).`);
  }
}

function requireString(fn: string, name: string, value: unknown, nullable = false): void {
  if (typeof value === 'string' || (nullable && (value === null || value === undefined))) return;
  throw new TypeError(
    `${fn}(): ${name} must be a string${nullable ? ' or null' : ''}; got ${value === null ? 'null' : typeof value}.`,
  );
}

function requireAddressList(fn: string, name: string, value: unknown): string[] {
  if (typeof value === 'string') {
    throw new TypeError(
      `${fn}(): ${name} must be a list of addresses, not a string: write [${JSON.stringify(value)}].`,
    );
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(`${fn}(): ${name} must be a list of addresses; got ${value === null ? 'null' : typeof value}.`);
  }
  const list = [...(value as Iterable<unknown>)];
  list.forEach((item, i) => {
    if (typeof item !== 'string')
      throw new TypeError(
        `${fn}(): ${name}[${i}] must be a string address; got ${item === null ? 'null' : typeof item}.`,
      );
  });
  return list as string[];
}

/**
 * Send one message; resolves to the number delivered (0 or 1). Opens a connection for it
 * unless `connection` or `using` says which to use.
 *
 * @example
 * ```ts
 * await sendMail({ subject: 'Subject here', message: 'Here is the message.',
 *                  fromEmail: 'from@example.com', recipientList: ['to@example.com'] });
 * ```
 */
export async function sendMail(args: SendMailOptions): Promise<number> {
  requireObject('sendMail', args);
  const { subject, message, fromEmail, failSilently, authUser, authPassword, connection, using, htmlMessage } = args;
  requireString('sendMail', 'subject', subject);
  requireString('sendMail', 'message', message);
  requireString('sendMail', 'fromEmail', fromEmail, true);
  requireString('sendMail', 'htmlMessage', htmlMessage, true);
  const to = requireAddressList('sendMail', 'recipientList', args.recipientList);
  const backend = await connectionFor({ connection, using, failSilently, authUser, authPassword });
  const init = {
    subject,
    body: message,
    fromEmail: fromEmail ?? getSettings().defaultFromEmail,
    to,
    connection: backend,
  };
  const mail =
    htmlMessage === null || htmlMessage === undefined
      ? new EmailMessage(init)
      : new EmailMultiAlternatives({ ...init, alternatives: [[htmlMessage, 'text/html']] });
  return mail.send();
}

/**
 * Send many messages over ONE connection; resolves to the number delivered. Each tuple is
 * `[subject, message, fromEmail, recipientList]` (`fromEmail` null: `defaultFromEmail`).
 *
 * @example
 * ```ts
 * await sendMassMail([
 *   ['Subject', 'Message.', 'from@example.com', ['first@example.com', 'other@example.com']],
 *   ['Another Subject', 'Another Message.', null, ['second@test.com']],
 * ]);
 * ```
 */
export async function sendMassMail(
  datatuple: Iterable<MassMailTuple>,
  options: SendMassMailOptions = {},
): Promise<number> {
  if (
    datatuple === null ||
    typeof datatuple !== 'object' ||
    typeof (datatuple as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError('sendMassMail() takes a list of [subject, message, fromEmail, recipientList] tuples.');
  }
  requireObject('sendMassMail', options);
  const defaultFrom = getSettings().defaultFromEmail;
  // Check every tuple before opening anything.
  const inits = [...datatuple].map((tuple, i) => {
    if (!Array.isArray(tuple) || tuple.length !== 4) {
      throw new TypeError(`sendMassMail(): item ${i} must be a [subject, message, fromEmail, recipientList] tuple.`);
    }
    const [subject, message, fromEmail, recipientList] = tuple;
    requireString('sendMassMail', `item ${i} subject`, subject);
    requireString('sendMassMail', `item ${i} message`, message);
    requireString('sendMassMail', `item ${i} fromEmail`, fromEmail, true);
    return {
      subject,
      body: message,
      fromEmail: fromEmail ?? defaultFrom,
      to: requireAddressList('sendMassMail', `item ${i} recipientList`, recipientList),
    };
  });
  const { failSilently, authUser, authPassword, connection, using } = options;
  const backend = await connectionFor({ connection, using, failSilently, authUser, authPassword });
  return backend.sendMessages(inits.map((init) => new EmailMessage({ ...init, connection: backend })));
}

/** `'Name <addr>'` for a `[name, addr]` pair (the name quoted when it needs it, RFC 5322 §3.2.4). */
export function formatAddressEntry(entry: AddressEntry): string {
  if (typeof entry === 'string') return entry;
  const [name, address] = entry;
  if (name === '') return address;
  const atom = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name);
  return `${atom ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`} <${address}>`;
}

async function mailStaff(fn: string, list: readonly AddressEntry[], args: MailAdminsOptions): Promise<void> {
  requireObject(fn, args);
  const { subject, message, failSilently, connection, using, htmlMessage } = args;
  requireString(fn, 'subject', subject);
  requireString(fn, 'message', message);
  requireString(fn, 'htmlMessage', htmlMessage, true);
  checkConnectionChoice({ connection, using, failSilently }); // a TypeError even with nobody to tell
  if (list.length === 0) return; // as Django: nobody to tell, nothing built, no connection opened
  const settings = getSettings();
  const backend = await connectionFor({ connection, using, failSilently });
  const mail = new EmailMultiAlternatives({
    subject: `${settings.emailSubjectPrefix}${subject}`,
    body: message,
    fromEmail: settings.serverEmail,
    to: list.map(formatAddressEntry),
    connection: backend,
  });
  if (htmlMessage !== null && htmlMessage !== undefined) mail.attachAlternative(htmlMessage, 'text/html');
  await mail.send();
}

/**
 * Email the `admins`: the subject prefixed with `emailSubjectPrefix`, from `serverEmail`.
 * Does nothing when `admins` is empty.
 *
 * @example
 * ```ts
 * await mailAdmins({ subject: 'Disk almost full', message: '95% used on /var' });
 * ```
 */
export async function mailAdmins(args: MailAdminsOptions): Promise<void> {
  await mailStaff('mailAdmins', getSettings().admins, args);
}

/**
 * Email the `managers`, as {@link mailAdmins} does the admins.
 *
 * @example
 * ```ts
 * await mailManagers({ subject: 'Broken link', message: 'https://example.com/old-page', htmlMessage: '<p>…</p>' });
 * ```
 */
export async function mailManagers(args: MailAdminsOptions): Promise<void> {
  await mailStaff('mailManagers', getSettings().managers, args);
}
