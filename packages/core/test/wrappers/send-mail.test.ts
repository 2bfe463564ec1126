import { BadHeaderError, configure, EmailMultiAlternatives, SendError, sendMail, sendMassMail } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { captureBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

async function parsed(message: { message(): { asBytes(): Promise<Buffer> } }) {
  return simpleParser(await message.message().asBytes());
}

describe('sendMail', () => {
  it('sends one message through a new default connection and resolves to 1', async () => {
    const { Backend, instances, batches, log } = captureBackend();
    configure({ emailBackend: Backend });
    const count = await sendMail({
      subject: 'Subject here',
      message: 'Here is the message.',
      fromEmail: 'from@example.com',
      recipientList: ['to@example.com', 'Two <two@example.com>'],
    });
    expect(count).toBe(1);
    expect(instances).toHaveLength(1);
    expect(log).toEqual(['open', 'deliver Subject here', 'close']);
    const mail = await parsed(batches[0]![0]!);
    expect(mail.subject).toBe('Subject here');
    expect(mail.text).toBe('Here is the message.');
    expect(mail.from?.value).toEqual([{ address: 'from@example.com', name: '' }]);
    expect((mail.to as { value: { address: string }[] }).value.map((v) => v.address)).toEqual([
      'to@example.com',
      'two@example.com',
    ]);
    expect(mail.html).toBe(false);
  });

  it('uses defaultFromEmail when fromEmail is null or omitted', async () => {
    const { Backend, batches } = captureBackend();
    configure({ emailBackend: Backend, defaultFromEmail: 'Site <noreply@example.com>' });
    await sendMail({ subject: 's', message: 'm', recipientList: ['a@example.com'] });
    await sendMail({ subject: 's', message: 'm', fromEmail: null, recipientList: ['a@example.com'] });
    for (const [message] of batches)
      expect((await parsed(message!)).from?.value[0]?.address).toBe('noreply@example.com');
  });

  it('sends htmlMessage as a text/html alternative', async () => {
    const { Backend, batches } = captureBackend();
    configure({ emailBackend: Backend });
    await sendMail({
      subject: 's',
      message: 'plain text',
      htmlMessage: '<p>rich <b>text</b></p>',
      recipientList: ['a@example.com'],
    });
    const message = batches[0]![0]!;
    expect(message).toBeInstanceOf(EmailMultiAlternatives);
    const mail = await parsed(message);
    expect(mail.text?.trim()).toBe('plain text');
    expect(mail.html).toBe('<p>rich <b>text</b></p>');
  });

  it('passes failSilently and the credentials to the default backend', async () => {
    const { Backend, instances } = captureBackend({ fail: true });
    configure({ emailBackend: Backend });
    expect(
      await sendMail({
        subject: 's',
        message: 'm',
        recipientList: ['a@example.com'],
        failSilently: true,
        authUser: 'me',
        authPassword: 'pw',
      }),
    ).toBe(0);
    expect(instances[0]!.options).toEqual({ failSilently: true, username: 'me', password: 'pw' });
    await expect(sendMail({ subject: 's', message: 'm', recipientList: ['a@example.com'] })).rejects.toBeInstanceOf(
      SendError,
    );
  });

  it('sends through a given connection without building another', async () => {
    const { Backend, instances, log } = captureBackend();
    const connection = new Backend();
    expect(await sendMail({ subject: 'via', message: 'm', recipientList: ['a@example.com'], connection })).toBe(1);
    expect(instances).toEqual([connection]);
    expect(log).toEqual(['open', 'deliver via', 'close']);
  });

  it('sends through a mailer with using, and refuses using with connection or credentials', async () => {
    const main = captureBackend();
    const bulk = captureBackend();
    configure({ mailers: { default: { backend: main.Backend }, bulk: { backend: bulk.Backend } } });
    expect(
      await sendMail({
        subject: 'b',
        message: 'm',
        recipientList: ['a@example.com'],
        using: 'bulk',
        failSilently: true,
      }),
    ).toBe(1);
    expect([
      bulk.instances.length,
      main.instances.length,
      bulk.instances[0]!.alias,
      bulk.instances[0]!.failSilently,
    ]).toEqual([1, 0, 'bulk', true]);
    await sendMail({ subject: 'd', message: 'm', recipientList: ['a@example.com'] });
    expect(main.instances[0]!.alias).toBe('default');
    await expect(
      sendMail({
        subject: 's',
        message: 'm',
        recipientList: ['a@example.com'],
        using: 'bulk',
        connection: new main.Backend(),
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      sendMail({ subject: 's', message: 'm', recipientList: ['a@example.com'], using: 'bulk', authUser: 'u' }),
    ).rejects.toThrow(TypeError);
  });

  it('refuses wrong argument types with a TypeError before building a connection', async () => {
    const { Backend, instances } = captureBackend();
    configure({ emailBackend: Backend });
    await expect(sendMail({ subject: 's', message: 'm', recipientList: 'a@example.com' } as never)).rejects.toThrow(
      /recipientList must be a list of addresses, not a string: write \["a@example.com"\]/,
    );
    await expect(sendMail({ subject: 's', message: 'm', recipientList: [42] } as never)).rejects.toThrow(
      /recipientList\[0\]/,
    );
    await expect(sendMail({ subject: 3, message: 'm', recipientList: [] } as never)).rejects.toThrow(
      /subject must be a string/,
    );
    await expect(sendMail({ subject: 's', message: null, recipientList: [] } as never)).rejects.toThrow(
      /message must be a string/,
    );
    await expect(sendMail({ subject: 's', message: 'm', recipientList: [], fromEmail: 1 } as never)).rejects.toThrow(
      /fromEmail/,
    );
    await expect(sendMail('hello' as never)).rejects.toThrow(TypeError);
    expect(instances).toHaveLength(0);
  });

  it('a header injection rejects even with failSilently, and nothing is delivered', async () => {
    const { Backend, log } = captureBackend();
    configure({ emailBackend: Backend });
    await expect(
      sendMail({
        subject: 'Hi\nBcc: victim@example.com',
        message: 'm',
        recipientList: ['a@example.com'],
        failSilently: true,
      }),
    ).rejects.toBeInstanceOf(BadHeaderError);
    expect(log).toEqual([]);
  });
});

describe('sendMassMail', () => {
  it('sends every message over ONE connection, in one batch, and counts them', async () => {
    const { Backend, instances, batches, log } = captureBackend();
    configure({ emailBackend: Backend, defaultFromEmail: 'default@example.com' });
    const count = await sendMassMail([
      ['Subject', 'Message.', 'from@example.com', ['first@example.com', 'other@example.com']],
      ['Another Subject', 'Another Message.', null, ['second@test.com']],
    ]);
    expect(count).toBe(2);
    expect(instances).toHaveLength(1);
    expect(batches).toHaveLength(1);
    expect(log).toEqual(['open', 'deliver Subject', 'deliver Another Subject', 'close']);
    const [first, second] = await Promise.all(batches[0]!.map(parsed));
    expect(first!.from?.value[0]?.address).toBe('from@example.com');
    expect(second!.from?.value[0]?.address).toBe('default@example.com');
    expect(second!.text).toBe('Another Message.');
    expect(batches[0]!.every((m) => m.connection === instances[0])).toBe(true);
  });

  it('takes any iterable of tuples, and options like sendMail', async () => {
    const { Backend, instances } = captureBackend({ fail: true });
    configure({ mailers: { default: { backend: Backend }, bulk: { backend: Backend } } });
    function* tuples() {
      yield ['a', 'm', null, ['x@example.com']] as const;
      yield ['b', 'm', null, ['y@example.com']] as const;
    }
    expect(await sendMassMail(tuples(), { using: 'bulk', failSilently: true })).toBe(0);
    expect(instances.map((i) => i.alias)).toEqual(['bulk']);
  });

  it('checks every tuple before opening anything', async () => {
    const { Backend, instances } = captureBackend();
    configure({ emailBackend: Backend });
    await expect(
      sendMassMail([
        ['a', 'm', null, ['x@example.com']],
        ['b', 'm', null, 'y@example.com'],
      ] as never),
    ).rejects.toThrow(/item 1 recipientList must be a list of addresses, not a string/);
    await expect(sendMassMail([['only', 'three', null]] as never)).rejects.toThrow(
      /item 0 must be a \[subject, message, fromEmail, recipientList\] tuple/,
    );
    await expect(sendMassMail('abc' as never)).rejects.toThrow(TypeError);
    expect(instances).toHaveLength(0);
    expect(await sendMassMail([])).toBe(0);
  });
});
