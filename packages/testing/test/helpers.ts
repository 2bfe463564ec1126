import type { EmailMessage } from '@mail/core';
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
