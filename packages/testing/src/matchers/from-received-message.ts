import type { AddressObject, HeaderValue, ParsedMail } from 'mailparser';
import type { ReceivedAlternative, ReceivedMessage } from '../smtp-fixture/types.js';
import { bareAddress } from './match-value.js';
import type { SentEmail } from './types.js';

/** Whether `value` is a message recorded by the SMTP fixture. */
export function isReceivedMessage(value: unknown): value is ReceivedMessage {
  const v = value as ReceivedMessage | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.envelope?.rcptTo) && typeof v.parsed === 'object';
}

/**
 * A fixture message in the matchers' shape. `bcc` is what the envelope had beyond To and Cc,
 * since Bcc is never written into the message.
 */
export function fromReceivedMessage(message: ReceivedMessage): SentEmail {
  const { parsed } = message;
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const written = new Set([...to, ...cc].map(bareAddress));
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  // mailparser keeps only text and html: the other parts of multipart/alternative (a calendar
  // invite, text/x-amp-html) come out as attachments. The fixture read them from the bytes.
  const others = otherAlternatives(message);
  const alternativeParts = new Set(others.map((a) => a.partId));
  return {
    source: 'smtp',
    subject: parsed.subject ?? '',
    from: addresses(parsed.from)[0] ?? '',
    to,
    cc,
    bcc: message.envelope.rcptTo.filter((address) => !written.has(bareAddress(address))),
    replyTo: addresses(parsed.replyTo),
    body: parsed.text ?? '',
    html,
    alternatives: [
      ...(html === undefined ? [] : [{ content: html, mimetype: 'text/html' }]),
      ...others.map((a) => ({ content: a.content, mimetype: a.contentType })),
    ],
    attachments: parsed.attachments
      .filter((a) => a.partId === null || !alternativeParts.has(a.partId))
      .map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    header: (name) => headerValue(parsed, name),
    original: message,
  };
}

/**
 * The alternatives other than what `parsed` has as `text` and `html`: not the first part (the
 * body) and no text/html (that is `parsed.html`). A message built by hand without
 * `alternatives` has none.
 */
function otherAlternatives(message: ReceivedMessage): ReceivedAlternative[] {
  return (message.alternatives ?? []).filter(
    (a) => a.type !== 'text/html' && !(a.type === 'text/plain' && a.index === 0),
  );
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) =>
    object.value.flatMap((entry) =>
      (entry.group ?? [entry]).map((e) => (e.name ? `${e.name} <${e.address ?? ''}>` : (e.address ?? ''))),
    ),
  );
}

/** A header as text: mailparser's decoded value where it is text, otherwise the unfolded raw line. */
function headerValue(parsed: ParsedMail, name: string): string | undefined {
  const key = name.toLowerCase();
  const value: HeaderValue | undefined = parsed.headers.get(key);
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  const line = parsed.headerLines.find((l) => l.key === key)?.line;
  if (line === undefined) return undefined;
  // RFC 5322 §2.2.3: unfolding removes the CRLF before folding whitespace.
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .trim();
}
