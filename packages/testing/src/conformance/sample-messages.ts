import { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import type { ParsedMail } from 'mailparser';

/** A plain message for the checks; `n` makes its subject and body unique. */
export function plainMessage(
  n: number | string = 1,
  overrides: ConstructorParameters<typeof EmailMessage>[0] = {},
): EmailMessage {
  return new EmailMessage({
    subject: `Conformance message ${n}`,
    body: `Body of message ${n}.\n`,
    fromEmail: 'Sender <sender@example.com>',
    to: ['To Person <to@example.com>'],
    ...overrides,
  });
}

/** The body the content round-trip sends: non-ASCII, a line of dots (RFC 5321 §4.5.2), a long line. */
export const RICH_BODY = `Grüße aus Köln, 今日は.\n.\n..two dots\n.leading dot\n${'A long line of words '.repeat(60).trim()}\nLast line.\n`;

/** Attachment bytes covering every byte value. */
export const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A message with everything the content round-trip checks. */
export function richMessage(): EmailMultiAlternatives {
  const message = new EmailMultiAlternatives({
    subject: 'Conformance: Grüße – 今日は – a subject long enough to be folded when encoded as words',
    body: RICH_BODY,
    fromEmail: 'Sénder <sender@example.com>',
    to: ['Ann Example <ann@example.com>', 'bob@example.com'],
    cc: ['"Carol, C." <carol@example.com>'],
    replyTo: ['reply@example.com'],
    headers: { 'X-Conformance': 'round-trip' },
  });
  message.attachAlternative('<p>Grüße <b>HTML</b></p>', 'text/html');
  message.attach('data.bin', BINARY, 'application/octet-stream');
  message.attach('notes.txt', 'Plain attachment\n', 'text/plain');
  return message;
}

/** The bare addresses of a parsed address header. */
export function parsedAddresses(field: ParsedMail['to'] | ParsedMail['from']): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.map((v) => v.address ?? ''));
}

/** Text with CRLF turned into LF and trailing whitespace dropped, for comparing bodies. */
export function normalizeBody(text: string | undefined): string {
  return (text ?? '').replace(/\r\n?/g, '\n').trimEnd();
}
