import DefaultExport, { EmailBackend } from '@mail/backend-dummy';
import { BadHeaderError, EmailMessage, InvalidAddressError } from '@mail/core';
import { describe, expect, it } from 'vitest';

const message = (fields: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}) =>
  new EmailMessage({ subject: 'Hi', body: 'Hello', fromEmail: 'from@example.com', to: ['to@example.com'], ...fields });

describe('dummy backend', () => {
  it('is the default export too', () => {
    expect(DefaultExport).toBe(EmailBackend);
  });

  it('counts every message and builds each one', async () => {
    const backend = new EmailBackend();
    let built = 0;
    const messages = [message(), message({ subject: 'Two' }), message({ subject: 'Three' })];
    for (const m of messages) {
      const original = m.message.bind(m);
      m.message = () => {
        built++;
        return original();
      };
    }
    expect(await backend.sendMessages(messages)).toBe(3);
    expect(built).toBe(3);
  });

  it('sends nothing: an empty batch is 0 and it keeps no connection', async () => {
    const backend = new EmailBackend();
    expect(await backend.sendMessages([])).toBe(0);
    expect(await backend.open()).toBe(false);
    expect(backend.capabilities.delivers).toBe(false);
  });

  it('still rejects a header injection, even with failSilently', async () => {
    const backend = new EmailBackend({ failSilently: true });
    await expect(
      backend.sendMessages([message(), message({ subject: 'Hi\r\nBcc: victim@example.com' })]),
    ).rejects.toBeInstanceOf(BadHeaderError);
  });

  it('still rejects a malformed envelope address', async () => {
    const backend = new EmailBackend();
    await expect(backend.sendMessages([message({ to: ['not an address@@example.com'] })])).rejects.toBeInstanceOf(
      InvalidAddressError,
    );
  });

  it('refuses an option it does not know', () => {
    expect(() => new EmailBackend({ host: 'smtp.example.com' })).toThrow(/Unknown option "host"/);
  });

  it('sends through EmailMessage.send() with the message as its connection', async () => {
    const backend = new EmailBackend();
    expect(await message({ connection: backend }).send()).toBe(1);
  });
});
