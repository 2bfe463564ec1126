import { EmailMessage } from '@mail/core';

/**
 * A message whose bytes do not change between builds (fixed Date and Message-ID), so what the
 * server received can be compared byte for byte with `message().asBytes()`.
 */
export function fixedMessage(
  fields: { body?: string; subject?: string; fromEmail?: string; to?: string[]; cc?: string[]; bcc?: string[] } = {},
) {
  return new EmailMessage({
    subject: fields.subject ?? 'Security test',
    body: fields.body ?? 'Hello',
    fromEmail: fields.fromEmail ?? 'sender@example.com',
    to: fields.to ?? ['rcpt@example.com'],
    cc: fields.cc,
    bcc: fields.bcc,
    headers: { Date: 'Mon, 23 Nov 2026 20:00:00 +0000', 'Message-ID': '<security-test@example.com>' },
  });
}

/** Normalise every line ending to LF (mailparser's text uses LF; the API promises CRLF on the wire). */
export function toLf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\n');
}

/** Run `fn`, returning the error it rejects with (failing when it resolves). */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}
