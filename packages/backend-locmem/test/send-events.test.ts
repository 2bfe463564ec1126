/** Send events and hooks on locmem: every send seen, cancelled ones kept out of the outbox. */
import { tracingChannel } from 'node:diagnostics_channel';
import { outbox } from '@mail/backend-locmem';
import {
  BadHeaderError,
  configure,
  EmailMessage,
  onBeforeSend,
  onSent,
  resetSettings,
  type SendEvent,
  sendMail,
} from '@mail/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

beforeEach(() => {
  outbox.length = 0;
  configure({ mailers: { default: { backend: 'locmem' }, staging: { backend: 'locmem' } } });
});
afterEach(() => resetSettings());

describe('send events on locmem', () => {
  it('a subscriber sees sent, cancelled and rejected messages; hooks run per mailer', async () => {
    const kinds: string[] = [];
    const handlers = {
      start: (e: SendEvent) => void kinds.push(`start ${e.message.subject} ${e.mailer}/${e.backend}`),
      end() {},
      asyncStart() {},
      asyncEnd: (e: SendEvent) =>
        void kinds.push(
          `end ${e.message.subject} ${e.error ? (e.error as Error).name : e.delivery?.cancelled ? 'cancelled' : 'sent'}`,
        ),
      error: (e: SendEvent) => void kinds.push(`error ${e.message.subject}`),
    };
    const channel = tracingChannel<unknown, SendEvent>('mail:send');
    channel.subscribe(handlers);
    const offs = [
      onBeforeSend(({ message }) => message.subject !== 'drafts only', { mailer: 'staging' }),
      onSent(({ message }) => void (message.headers['X-Seen'] = 'yes')),
    ];
    try {
      expect(await sendMail({ subject: 'hello', message: 'b', recipientList: ['a@example.org'] })).toBe(1);
      expect(
        await sendMail({ subject: 'drafts only', message: 'b', recipientList: ['a@example.org'], using: 'staging' }),
      ).toBe(0);
      const bad = new EmailMessage({ subject: 'bad\nBcc: x@evil.example', to: ['a@example.org'] });
      await expect(bad.send()).rejects.toThrow(BadHeaderError);
    } finally {
      for (const off of offs) off();
      channel.unsubscribe(handlers);
    }
    expect(kinds).toEqual([
      'start hello default/locmem',
      'end hello sent',
      'start drafts only staging/locmem',
      'end drafts only cancelled',
      'start bad\nBcc: x@evil.example default/locmem',
      'error bad\nBcc: x@evil.example',
      'end bad\nBcc: x@evil.example BadHeaderError',
    ]);
    expect(outbox.map((m) => m.subject)).toEqual(['hello']);
  });
});
