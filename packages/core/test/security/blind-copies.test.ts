import { BadHeaderError, EmailMessage } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('blind copies never reach the headers', () => {
  it.each(['Bcc', 'bcc', 'Resent-Bcc', 'RESENT-BCC', 'resent-bcc'])('headers[%j] is a BadHeaderError', (name) => {
    const msg = new EmailMessage({
      subject: 's',
      body: 'b',
      fromEmail: 'from@example.com',
      to: ['to@example.com'],
      headers: { [name]: 'secret-boss@example.com' },
    });
    expect(() => msg.message()).toThrow(BadHeaderError);
    expect(() => msg.message()).toThrow(/use the bcc list/);
  });

  it('Resent-To and Resent-Cc are still written', async () => {
    const msg = new EmailMessage({
      subject: 's',
      body: 'b',
      fromEmail: 'from@example.com',
      to: ['to@example.com'],
      headers: { 'Resent-To': 'r@example.com', 'Resent-Cc': 'c@example.com' },
    });
    const text = (await msg.message().asBytes()).toString();
    expect(text).toContain('Resent-To: r@example.com');
    expect(text).toContain('Resent-Cc: c@example.com');
  });
});
