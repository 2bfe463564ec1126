import type { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import type { SmtpFixture } from '@mail/testing';
import nodemailer from 'nodemailer';

/** Deliver a built EmailMessage to the fixture byte for byte, as an SMTP backend would. */
export async function deliverTo(smtp: SmtpFixture, message: EmailMessage): Promise<void> {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, ignoreTLS: true });
  const mime = message.message();
  const addresses = (list: string[]) => list.map((a) => /<([^>]*)>/.exec(a)?.[1] ?? a);
  await transport.sendMail({
    envelope: { from: addresses([message.fromEmail ?? 'webmaster@localhost'])[0], to: addresses(message.recipients()) },
    raw: await mime.asBytes(),
  });
  transport.close();
}

/** A 16×16 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHElEQVR42mP8z8DwnwEJMDGgAQYGBkY0ARQAAEtnAxA1F0l+AAAAAElFTkSuQmCC',
  'base64',
);

/** Attach {@link TINY_PNG} inline as `cid:logo@shop` and `pdf` as invoice.pdf; returns the message. */
export function withLogoAndInvoice(message: EmailMultiAlternatives, pdf: Buffer): EmailMultiAlternatives {
  message.attach({
    contentType: 'image/png',
    content: TINY_PNG,
    filename: 'logo.png',
    disposition: 'inline',
    contentId: 'logo@shop',
  });
  message.attach('invoice.pdf', pdf, 'application/pdf');
  return message;
}
