import { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import type { SmtpEvent } from '@mail/testing';

/** A small message; fields override the defaults. */
export function message(fields: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}): EmailMessage {
  return new EmailMessage({
    subject: 'Hi',
    body: 'Hello',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
    ...fields,
  });
}

/** A message with an HTML alternative and an attachment, as a real application sends. */
export function richMessage(i: number): EmailMultiAlternatives {
  const m = new EmailMultiAlternatives({
    subject: `Réunion n°${i} — ordre du jour`,
    body: 'Hello Zoë, this is line of the message body. '.repeat(20),
    fromEmail: 'Zoë Ünïcode <zoe@example.com>',
    to: [`user${i}@example.org`, 'Второй <second@example.net>'],
    alternatives: [['<p>Hello <b>Zoë</b></p>', 'text/html']],
  });
  m.attach(
    'report.bin',
    Buffer.from(Array.from({ length: 2048 }, (_, k) => (k * 31 + 7) % 256)),
    'application/octet-stream',
  );
  return m;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/** Events of one type. */
export function eventsOf(events: readonly SmtpEvent[], type: SmtpEvent['type']): SmtpEvent[] {
  return events.filter((e) => e.type === type);
}
