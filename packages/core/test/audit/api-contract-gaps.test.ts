import { inspect } from 'node:util';
import {
  BaseEmailBackend,
  ConfigurationError,
  configure,
  EmailMessage,
  getConnection,
  getSettings,
  mailAdmins,
  mailers,
  mailManagers,
  type PreparedMessage,
  sendMail,
  sendMassMail,
} from '@mail/core';
import { describe, expect, it } from 'vitest';
import { captureBackend, RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

/** A backend that, like the smtp backend, lists failSilently among its own option names. */
class ListsFailSilently extends BaseEmailBackend {
  static override readonly optionNames = ['host', 'port', 'failSilently'];
  protected override async deliverOne(_m: PreparedMessage) {}
}

describe('an unknown backend option', () => {
  it('lists each known option once, even one the backend declares again', async () => {
    const error = await getConnection(ListsFailSilently, { prot: 25 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toMatch(/Unknown option "prot".*Did you mean "port"\?/);
    expect(message.match(/failSilently/g)).toHaveLength(1);
  });
});

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

describe('a mailer password never shows when the mailers setting is logged', () => {
  it('is masked by util.inspect and JSON.stringify of getSettings().mailers and of a spread of the settings', async () => {
    configure({ mailers: { default: { backend: RecordingBackend, options: { log: [], secretish: 'mailer-pa55' } } } });
    const { mailers: configured } = getSettings();
    for (const shown of [
      inspect(configured, { depth: 10 }),
      JSON.stringify(configured),
      inspect({ ...getSettings() }, { depth: 10 }),
      JSON.stringify({ ...getSettings() }),
    ]) {
      expect(shown).not.toContain('mailer-pa55');
    }
    // The value itself is unchanged and reaches the backend.
    expect(configured?.default?.options?.secretish).toBe('mailer-pa55');
    expect(Object.keys(configured?.default?.options ?? {})).toEqual(['log', 'secretish']);
    await expect(mailers.get('default')).rejects.toThrow(/Unknown option "secretish"/); // reached the option check as given
  });
});

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
