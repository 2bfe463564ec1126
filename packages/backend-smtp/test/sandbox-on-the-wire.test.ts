/**
 * A staging mailer pointed at a real SMTP server: a redirected message reaches the server only
 * at the redirect address (RCPT TO), with the originals in X-Original-To / X-Original-Cc and
 * the Bcc nowhere; allowedRecipients keeps a customer from ever being mailed.
 */
import { EmailBackend } from '@mail/backend-smtp';
import { configure, resetSettings, sendMail } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { message } from './helpers.js';

afterEach(() => resetSettings());

describe('smtp backend in a sandbox', () => {
  it('a redirected message reaches the server only at the redirect address', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend({ ...smtp.backendOptions(), redirectTo: ['qa@staging.example'] });
    const m = message({ to: ['customer@example.org'], cc: ['boss@example.org'], bcc: ['audit@example.org'] });
    expect(await backend.sendMessages([m])).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    const [received] = smtp.messages;
    expect(received.envelope.rcptTo).toEqual(['qa@staging.example']);
    expect(received.parsed.headers.get('x-original-to')).toBe('customer@example.org');
    expect(received.parsed.headers.get('x-original-cc')).toBe('boss@example.org');
    expect(received.parsed.cc).toBeUndefined();
    expect(received.raw.toString('latin1')).not.toContain('audit@example.org');
  });

  it('through a mailer: allowedRecipients drops the customer, the count says what was sent', async () => {
    await using smtp = await startSmtpServer();
    configure({
      mailers: {
        default: { backend: 'smtp', options: { ...smtp.backendOptions(), allowedRecipients: ['@team.example'] } },
      },
    });
    expect(await sendMail({ subject: 'a', message: 'b', recipientList: ['customer@example.org'] })).toBe(0);
    expect(
      await sendMail({ subject: 'a', message: 'b', recipientList: ['customer@example.org', 'dev@team.example'] }),
    ).toBe(1);
    expect(smtp.messages.map((r) => r.envelope.rcptTo)).toEqual([['dev@team.example']]);
  });
});
