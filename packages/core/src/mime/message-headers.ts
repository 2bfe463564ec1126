import { formatAddress, formatAddressList, splitAddressHeader } from '../addresses/parse-address.js';
import { BadHeaderError } from '../errors.js';
import { encodeUnstructured } from '../headers/encode-header.js';
import { AS_IS, headerLine } from '../headers/header-line.js';
import { listUnsubscribeHeaders } from '../headers/list-unsubscribe.js';
import type { Settings } from '../settings/definitions.js';
import type { BuildSource } from './build-source.js';
import type { RawHeader } from './built-message.js';
import { makeMessageId } from './message-id.js';
import { formatDate } from './wire-date.js';

// Headers whose value is a list of addresses: a user value is parsed and re-encoded.
const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'reply-to', 'sender', 'resent-from', 'resent-to', 'resent-cc']);
// Blind copies (RFC 5322 §3.6.3, §3.6.6): written, they would show every recipient who got one.
const BLIND_HEADERS = new Set(['bcc', 'resent-bcc']);
// RFC 5322 §3.6.2: originator fields hold mailboxes, never groups (other overrides may: `undisclosed-recipients:;`).
const MAILBOX_HEADERS = new Set(['from', 'sender', 'resent-from']);

/** The message's own header block (not the content headers): as set, and as wire lines. */
export interface HeaderBlock {
  /** Each header as set, in order (what `getHeader` reads). */
  raw: RawHeader[];
  /** The same headers, wire form, without CRLF. */
  wire: string[];
  /** The lowercase names of the user's `headers`. */
  userNames: Set<string>;
}

/**
 * The message headers in the order Django writes them: Subject, From, To, Cc, Reply-To, Date,
 * Message-ID, then the user's `headers` (a user header replaces the builder's of the same name,
 * in place). Bcc is checked (it feeds the envelope) and never written.
 */
export function messageHeaders(source: BuildSource, settings: Settings): HeaderBlock {
  const raw: RawHeader[] = [];
  const wire: string[] = [];
  // `encoded`: the wire form, when computed before the line (address lists, checked as they are parsed).
  const set = (name: string, value: string, encoded?: string) => {
    raw.push({ name, value });
    wire.push(headerLine(name, value, encoded === undefined ? encodeUnstructured : () => encoded));
  };
  set('Subject', source.subject ?? ''); // RFC 5322 §3.6.5: always present here, empty or not
  const fromEmail = source.fromEmail ?? settings.defaultFromEmail;
  set('From', fromEmail, formatAddress(fromEmail, 'from')); // RFC 5322 §3.6.2: a mailbox, never a group
  if (source.to?.length) set('To', source.to.join(', '), formatAddressList(source.to, 'to'));
  if (source.cc?.length) set('Cc', source.cc.join(', '), formatAddressList(source.cc, 'cc'));
  if (source.replyTo?.length) set('Reply-To', source.replyTo.join(', '), formatAddressList(source.replyTo, 'reply-to'));
  // Bcc is checked (it feeds the envelope) and never written.
  if (source.bcc?.length) formatAddressList(source.bcc, 'bcc');
  const userHeaders = source.headers ?? {};
  const userNames = new Set(Object.keys(userHeaders).map((n) => n.toLowerCase()));
  if (!userNames.has('date')) {
    const date = formatDate(new Date(), Boolean(settings.emailUseLocaltime));
    set('Date', date, date);
  }
  if (!userNames.has('message-id')) {
    const id = makeMessageId();
    set('Message-ID', id, id);
  }
  for (const header of listUnsubscribeHeaders(source.listUnsubscribe)) {
    if (userNames.has(header.name.toLowerCase()))
      throw new TypeError(`Set ${header.name} through listUnsubscribe or headers, not both.`);
    set(header.name, header.value, header.value);
  }
  for (const name of Object.keys(userHeaders)) {
    const value = userHeaders[name] == null ? '' : String(userHeaders[name]);
    const lower = name.toLowerCase();
    const blind = BLIND_HEADERS.has(lower);
    const encode = blind
      ? AS_IS // refused below, once headerLine has checked it
      : ADDRESS_HEADERS.has(lower)
        ? (v: string) => formatAddressList(splitAddressHeader(v, name), name, !MAILBOX_HEADERS.has(lower))
        : encodeUnstructured;
    const line = headerLine(name, value, encode);
    if (blind)
      throw new BadHeaderError(
        `A ${name} header would show the blind copies to every recipient: use the bcc list instead of headers[${JSON.stringify(name)}].`,
      );
    // A user header replaces the builder's header of the same name, in place (Django: To, Cc, From, Reply-To).
    const at = raw.findIndex((h) => h.name.toLowerCase() === lower);
    if (at === -1) {
      raw.push({ name, value });
      wire.push(line);
    } else {
      raw[at] = { name, value };
      wire[at] = line;
    }
  }
  return { raw, wire, userNames };
}
