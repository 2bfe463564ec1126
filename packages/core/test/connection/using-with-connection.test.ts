import { configure, EmailMessage, mailAdmins, mailManagers } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('using together with connection is a TypeError even when there is nothing to send', () => {
  // API.md: "using together with connection is a TypeError". A programmer mistake must not hide
  // until the admins list is filled in or the message gets a recipient (in production).
  it.each([
    ['mailAdmins', mailAdmins],
    ['mailManagers', mailManagers],
  ] as const)('%s with an empty list', async (_name, send) => {
    configure({ mailers: { default: { backend: RecordingBackend } } });
    const connection = new RecordingBackend();
    await expect(send({ subject: 's', message: 'm', using: 'default', connection })).rejects.toThrow(TypeError);
    await expect(send({ subject: 's', message: 'm', using: 'default', connection })).rejects.toThrow(
      /"using" cannot be combined with connection/,
    );
  });

  it('EmailMessage.send() without recipients', async () => {
    configure({ mailers: { default: { backend: RecordingBackend } } });
    const message = new EmailMessage({ subject: 's', body: 'b', connection: new RecordingBackend() });
    await expect(message.send({ using: 'default' })).rejects.toThrow(TypeError);
  });

  it('a wrong type for using is a TypeError there too', async () => {
    await expect(mailAdmins({ subject: 's', message: 'm', using: 42 as never })).rejects.toThrow(TypeError);
    await expect(new EmailMessage({ subject: 's' }).send({ using: 42 as never })).rejects.toThrow(TypeError);
  });
});
