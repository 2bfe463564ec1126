import { outbox } from '@mail/backend-locmem';
import { useLocmemOutbox } from '@mail/testing/vitest';
import { describe, expect, it } from 'vitest';
import { sendInvoice, sendWelcome } from '../src/notifications.js';

// Like Django's test runner: the default backend is locmem and the outbox is empty in every test.
const sent = useLocmemOutbox();

describe('notifications (locmem outbox)', () => {
  it('welcomes a new user', async () => {
    await sendWelcome({ name: 'Ann', email: 'ann@example.com' });
    expect([...sent]).toEqual([...outbox]); // this test's own outbox; the global one holds the same here
    expect(outbox).toHaveSentEmailCount(1);
    expect(outbox).toHaveSentEmail({ to: 'ann@example.com', subject: 'Welcome, Ann', body: /thanks for signing up/ });
    expect(outbox).not.toHaveSentEmail({ to: 'bob@example.com' });
  });

  it('sends an invoice with HTML, an attachment and accounting in Bcc', async () => {
    await sendWelcome({ name: 'Ann', email: 'ann@example.com' });
    await sendInvoice({ name: 'Ann', email: 'ann@example.com' }, 42, '10.00 EUR');
    expect(outbox).toHaveSentEmailCount(2);
    expect(outbox).toHaveSentEmail({
      subject: 'Invoice 42',
      bcc: 'accounting@shop.example',
      headers: { 'X-Invoice': '42' },
    });
    const invoice = outbox[1];
    expect(invoice).toHaveAttachment('invoice-42.csv', { contentType: 'text/csv', content: /42,10\.00 EUR/ });
    expect(invoice).toHaveAlternative('text/html', expect.stringContaining('<b>42</b>'));
    expect(invoice).toHaveHeader('X-Invoice', '42');
  });

  it('starts every test with an empty outbox', () => {
    expect(outbox).toHaveSentEmailCount(0);
  });
});
