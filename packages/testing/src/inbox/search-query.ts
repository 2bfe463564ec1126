import type { AddressObject } from 'mailparser';
import type { ReceivedMessage } from '../smtp-fixture/types.js';

/** `Name <address>` entries of a parsed address header (groups flattened). */
export function addressList(field: AddressObject | AddressObject[] | undefined): { Name: string; Address: string }[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: { Name: string; Address: string }[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else out.push({ Name: entry.name ?? '', Address: entry.address ?? '' });
    }
  };
  for (const object of objects) walk(object.value);
  return out;
}

/** Envelope recipients that are in neither To nor Cc: the Bcc recipients. */
export function bccOf(message: ReceivedMessage): string[] {
  const shown = new Set(
    [...addressList(message.parsed.to), ...addressList(message.parsed.cc)].map((a) => a.Address.toLowerCase()),
  );
  return message.envelope.rcptTo.filter((address) => !shown.has(address.toLowerCase()));
}

const text = (list: { Name: string; Address: string }[]) => list.map((a) => `${a.Name} <${a.Address}>`).join(' ');

/** The fields a search term can name, each as lowercase text. */
function fields(message: ReceivedMessage & { read?: boolean }): Record<string, () => string> {
  const { parsed } = message;
  return {
    from: () => `${text(addressList(parsed.from))} ${message.envelope.mailFrom}`,
    to: () => text(addressList(parsed.to)),
    cc: () => text(addressList(parsed.cc)),
    bcc: () => bccOf(message).join(' '),
    'reply-to': () => text(addressList(parsed.replyTo)),
    addressed: () =>
      `${text(addressList(parsed.to))} ${text(addressList(parsed.cc))} ${message.envelope.rcptTo.join(' ')}`,
    subject: () => parsed.subject ?? '',
    'message-id': () => parsed.messageId ?? '',
    filename: () => parsed.attachments.map((a) => a.filename ?? '').join(' '),
  };
}

/** Split a query into terms, keeping "quoted phrases" (and `subject:"two words"`) whole. */
function terms(query: string): string[] {
  return [...query.matchAll(/(?:[^\s"]+)?"[^"]*"|\S+/g)].map((m) => m[0].replace(/"/g, ''));
}

/**
 * Whether a message matches a Mailpit search query: words and "phrases" anywhere in the
 * subject, addresses and text; `from:`, `to:`, `cc:`, `bcc:`, `reply-to:`, `addressed:`,
 * `subject:`, `message-id:`, `filename:`; `is:read`, `is:unread`, `has:attachment`; a leading
 * `-` or `!` negates. Case-insensitive substring matches, every term must hold.
 */
export function matchesQuery(message: ReceivedMessage & { read?: boolean }, query: string): boolean {
  const named = fields(message);
  return terms(query).every((raw) => {
    const negate = raw.startsWith('-') || raw.startsWith('!');
    const term = (negate ? raw.slice(1) : raw).toLowerCase();
    if (term === '') return true;
    return matchesTerm(message, named, term) !== negate;
  });
}

function matchesTerm(
  message: ReceivedMessage & { read?: boolean },
  named: Record<string, () => string>,
  term: string,
): boolean {
  const colon = term.indexOf(':');
  const key = colon > 0 ? term.slice(0, colon) : '';
  const value = term.slice(colon + 1);
  if (key === 'is') return value === 'read' ? Boolean(message.read) : value === 'unread' ? !message.read : false;
  if (key === 'has') return value.startsWith('attachment') && message.parsed.attachments.length > 0;
  const field = named[key];
  if (field) return field().toLowerCase().includes(value);
  const everything = [
    named.subject(),
    named.from(),
    named.addressed(),
    named.cc(),
    message.parsed.text ?? '',
    typeof message.parsed.html === 'string' ? message.parsed.html : '',
  ];
  return everything.some((part) => part.toLowerCase().includes(term));
}
