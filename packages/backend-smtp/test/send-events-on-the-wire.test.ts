/**
 * Send events and hooks over a real SMTP server: a subscriber to `mail:send` sees every send,
 * the delivered, the refused and the cancelled, with the mailer and backend names.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { EmailBackend } from '@mail/backend-smtp';
import { configure, onBeforeSend, resetSettings, SendError, type SendEvent, sendMail } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { message } from './helpers.js';

afterEach(() => resetSettings());

function subscribe() {
  const ends: SendEvent[] = [];
  const starts: string[] = [];
  const handlers = {
    start: (e: SendEvent) => void starts.push(e.message.subject),
    end() {},
    asyncStart() {},
    asyncEnd: (e: SendEvent) => void ends.push(e),
    error() {},
  };
  const channel = tracingChannel<unknown, SendEvent>('mail:send');
  channel.subscribe(handlers);
  return { starts, ends, [Symbol.dispose]: () => channel.unsubscribe(handlers) };
}

describe('send events over smtp', () => {
  it('sees the delivered, the refused and the cancelled message of one batch', async () => {
    await using smtp = await startSmtpServer({ faults: { rejectRecipients: { 'gone@example.org': 550 } } });
    using sub = subscribe();
    const off = onBeforeSend(({ message }) => message.subject !== 'cancel me');
    try {
      const backend = new EmailBackend({ ...smtp.backendOptions(), failSilently: true });
      const sent = await backend.sendMessages([
        message({ subject: 'ok' }),
        message({ subject: 'refused', to: ['gone@example.org'] }),
        message({ subject: 'cancel me' }),
      ]);
      expect(sent).toBe(1);
    } finally {
      off();
    }
    await new Promise((r) => setImmediate(r));
    expect(sub.starts).toEqual(['ok', 'refused', 'cancel me']);
    const bySubject = Object.fromEntries(sub.ends.map((e) => [e.message.subject, e]));
    expect(bySubject.ok).toMatchObject({ backend: 'smtp', mailer: null });
    expect(bySubject.ok.error).toBeUndefined();
    expect(bySubject.ok.delivery?.messageId).toBe(smtp.messages[0].parsed.messageId);
    expect(bySubject.refused.error).toBeInstanceOf(SendError);
    expect(String(bySubject.refused.error)).toMatch(/550/);
    expect(bySubject['cancel me'].delivery?.cancelled).toBe(true);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['ok']);
  });

  it('sees a send through a mailer that cannot connect, with its alias', async () => {
    await using smtp = await startSmtpServer();
    const port = smtp.port;
    await smtp.close();
    configure({ mailers: { default: { backend: 'smtp', options: { host: '127.0.0.1', port, timeout: 2 } } } });
    using sub = subscribe();
    await expect(sendMail({ subject: 'down', message: 'b', recipientList: ['a@example.org'] })).rejects.toThrow(
      SendError,
    );
    await new Promise((r) => setImmediate(r));
    expect(sub.ends).toHaveLength(1);
    expect(sub.ends[0]).toMatchObject({ mailer: 'default', backend: 'smtp' });
    expect(String(sub.ends[0].error)).toMatch(/Could not open the connection/);
  });
});
