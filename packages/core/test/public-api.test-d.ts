import {
  type AddressInput,
  checkHeaderName,
  checkHeaderValue,
  formatAddress,
  type MailAdminsOptions,
  type Mailers,
  type MassMailTuple,
  mailers,
  type SendMailOptions,
  type SendMassMailOptions,
  sanitizeAddress,
  sendMail,
  sendMassMail,
} from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('the option types of the wrappers are exported', () => {
  it('SendMailOptions is what sendMail takes', () => {
    expectTypeOf(sendMail).parameter(0).toEqualTypeOf<SendMailOptions>();
    const ok: SendMailOptions = { subject: 's', message: 'm', recipientList: ['a@example.com'] };
    expectTypeOf(ok.using).toEqualTypeOf<string | null | undefined>();
    // @ts-expect-error recipientList is required
    const missing: SendMailOptions = { subject: 's', message: 'm' };
    void missing;
  });

  it('sendMassMail takes tuples of four and SendMassMailOptions', () => {
    const tuple: MassMailTuple = ['s', 'm', null, ['a@example.com']];
    // @ts-expect-error a tuple has four members
    const short: MassMailTuple = ['s', 'm', null];
    void short;
    expectTypeOf(sendMassMail).toBeCallableWith([tuple], { failSilently: true } satisfies SendMassMailOptions);
    const admins: MailAdminsOptions = { subject: 's', message: 'm', htmlMessage: '<p>m</p>' };
    void admins;
  });

  it('mailers is typed as Mailers', () => {
    expectTypeOf(mailers).toEqualTypeOf<Mailers>();
  });

  it('the header and address helpers are exported with their signatures', () => {
    expectTypeOf(checkHeaderName).toEqualTypeOf<(name: string) => void>();
    expectTypeOf(checkHeaderValue).parameters.toEqualTypeOf<[name: string, value: string]>();
    expectTypeOf(formatAddress).parameter(0).toEqualTypeOf<AddressInput>();
    expectTypeOf(sanitizeAddress).toEqualTypeOf(formatAddress);
    // @ts-expect-error an address is a string or a [name, address] pair
    formatAddress(42);
  });
});
