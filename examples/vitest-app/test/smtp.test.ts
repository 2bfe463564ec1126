import { getConnection } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import '@mail/testing/vitest';
import { describe, expect, it } from 'vitest';
import { sendInvoice, sendWelcome } from '../src/notifications.js';

describe('notifications (over SMTP, to the test server)', () => {
  it('delivers the welcome and the invoice as real SMTP mail', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls', auth: { username: 'app', password: 'app-password' } });
    await using connection = await getConnection('smtp', smtp.backendOptions());

    await sendWelcome({ name: 'Ann', email: 'ann@example.com' }, connection);
    await sendInvoice({ name: 'Ann', email: 'ann@example.com' }, 7, '3.50 EUR', connection);

    expect(smtp).toHaveSentEmailCount(2);
    expect(smtp).toHaveSentEmail({ to: 'Ann <ann@example.com>', subject: 'Welcome, Ann', from: 'hello@shop.example' });
    // Bcc is never written, but the fixture knows it from the envelope.
    expect(smtp).toHaveSentEmail({ subject: 'Invoice 7', bcc: 'accounting@shop.example' });
    expect(smtp.messages[1]).toHaveAttachment('invoice-7.csv', { content: /7,3\.50 EUR/ });
    expect(smtp.messages[1]).toHaveAlternative('text/html', /<b>7<\/b>/);
    expect(smtp.messages[1].envelope.rcptTo).toEqual(['ann@example.com', 'accounting@shop.example']);
    expect(smtp.messages.every((m) => m.secure && m.user === 'app')).toBe(true);
  });

  it('reports a refused recipient', async () => {
    await using smtp = await startSmtpServer({ faults: { rejectRecipients: { 'gone@example.com': 550 } } });
    await using connection = await getConnection('smtp', smtp.backendOptions());
    await expect(sendWelcome({ name: 'Gone', email: 'gone@example.com' }, connection)).rejects.toThrow(/550/);
    expect(smtp).toHaveSentEmailCount(0);
  });
});
