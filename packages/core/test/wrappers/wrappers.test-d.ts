import { type BaseEmailBackend, mailAdmins, mailManagers, sendMail, sendMassMail } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

declare const connection: BaseEmailBackend;

describe('wrapper signatures', () => {
  it('sendMail', () => {
    expectTypeOf(sendMail({ subject: 's', message: 'm', recipientList: ['a@x'] })).toEqualTypeOf<Promise<number>>();
    sendMail({
      subject: 's',
      message: 'm',
      fromEmail: null,
      recipientList: ['a@x'],
      failSilently: true,
      authUser: 'u',
      authPassword: 'p',
      htmlMessage: '<p>',
    });
    sendMail({ subject: 's', message: 'm', recipientList: ['a@x'], connection });
    sendMail({ subject: 's', message: 'm', recipientList: ['a@x'], using: 'bulk' });
    // @ts-expect-error recipientList is a list, not a string
    sendMail({ subject: 's', message: 'm', recipientList: 'a@x' });
    // @ts-expect-error message is required
    sendMail({ subject: 's', recipientList: ['a@x'] });
    // @ts-expect-error unknown argument
    sendMail({ subject: 's', message: 'm', recipientList: ['a@x'], html: '<p>' });
  });

  it('sendMassMail', () => {
    expectTypeOf(sendMassMail([['s', 'm', null, ['a@x']]])).toEqualTypeOf<Promise<number>>();
    sendMassMail([['s', 'm', 'from@x', ['a@x']]], { failSilently: true, using: 'bulk' });
    // @ts-expect-error a tuple has four items
    sendMassMail([['s', 'm', null]]);
    // @ts-expect-error the recipient list is a list
    sendMassMail([['s', 'm', null, 'a@x']]);
  });

  it('mailAdmins / mailManagers', () => {
    expectTypeOf(mailAdmins({ subject: 's', message: 'm' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(
      mailManagers({ subject: 's', message: 'm', htmlMessage: '<p>', using: 'ops', failSilently: true }),
    ).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error mailAdmins takes no recipients: they come from the admins setting
    mailAdmins({ subject: 's', message: 'm', recipientList: ['a@x'] });
  });
});
