import { configure, EmailMessage, getConnection, outbox, sendMail } from '@mail/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();
beforeEach(() => {
  outbox.length = 0;
});

// End to end with the real locmem backend, loaded by alias through the one loader.
describe('sentUsing through the real locmem backend', () => {
  it('records the mailer alias a message went through, and null outside mailers', async () => {
    configure({ emailUrl: 'locmem:' });
    await sendMail({ subject: 'plain', message: 'm', recipientList: ['a@example.com'] });
    configure({ emailUrl: null, mailers: { default: { backend: 'locmem' }, bulk: { backend: 'locmem' } } });
    await sendMail({ subject: 'via default', message: 'm', recipientList: ['a@example.com'] });
    await sendMail({ subject: 'via bulk', message: 'm', recipientList: ['a@example.com'], using: 'bulk' });
    await new EmailMessage({ subject: 'send() using', to: ['a@example.com'] }).send({ using: 'bulk' });
    await (await getConnection('locmem')).sendMessages([
      new EmailMessage({ subject: 'direct', to: ['b@example.com'] }),
    ]);
    expect(outbox.map((m) => [m.subject, m.sentUsing])).toEqual([
      ['plain', null],
      ['via default', 'default'],
      ['via bulk', 'bulk'],
      ['send() using', 'bulk'],
      ['direct', null],
    ]);
  });

  it('a mailer entry with an option locmem does not take is an error naming both', async () => {
    configure({ mailers: { default: { backend: 'locmem', options: { host: 'x' } } } });
    await expect(sendMail({ subject: 's', message: 'm', recipientList: ['a@example.com'] })).rejects.toThrow(
      /Unknown option "host" for mailer "default"/,
    );
  });
});
