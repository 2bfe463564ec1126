import { type BaseEmailBackend, EmailMultiAlternatives, sendMail } from '@mail/core';

export interface User {
  name: string;
  email: string;
}

/** Sends the welcome email; resolves to the number sent (0 or 1). */
export function sendWelcome(user: User, connection?: BaseEmailBackend): Promise<number> {
  return sendMail({
    subject: `Welcome, ${user.name}`,
    message: `Hi ${user.name},\n\nthanks for signing up.\n`,
    fromEmail: 'Shop <hello@shop.example>',
    recipientList: [`${user.name} <${user.email}>`],
    connection,
  });
}

/** Sends an invoice with an HTML part and the invoice attached, copying accounting in Bcc. */
export function sendInvoice(user: User, number: number, total: string, connection?: BaseEmailBackend): Promise<number> {
  const message = new EmailMultiAlternatives({
    subject: `Invoice ${number}`,
    body: `Your invoice ${number}: ${total}.\n`,
    fromEmail: 'billing@shop.example',
    to: [user.email],
    bcc: ['accounting@shop.example'],
    headers: { 'X-Invoice': String(number) },
    connection,
  });
  message.attachAlternative(`<p>Your invoice <b>${number}</b>: ${total}.</p>`, 'text/html');
  message.attach(`invoice-${number}.csv`, `number,total\n${number},${total}\n`, 'text/csv');
  return message.send();
}
