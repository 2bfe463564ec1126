import { configure, EmailMessage, sendMail, sendMassMail } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { captureBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('an empty fromEmail means defaultFromEmail, as in Django (from_email or DEFAULT_FROM_EMAIL)', () => {
  it('in the constructor, sendMail and sendMassMail', async () => {
    configure({ defaultFromEmail: 'site@example.com' });
    expect(new EmailMessage({ fromEmail: '' }).fromEmail).toBe('site@example.com');
    const { Backend, batches } = captureBackend();
    const connection = new Backend();
    await sendMail({ subject: 's', message: 'm', fromEmail: '', recipientList: ['a@example.com'], connection });
    await sendMassMail([['s', 'm', '', ['b@example.com']]], { connection });
    const sent = batches.flat();
    expect(sent.map((m) => m.fromEmail)).toEqual(['site@example.com', 'site@example.com']);
    expect(sent[0]?.message().getHeader('From')).toBe('site@example.com');
  });
});
