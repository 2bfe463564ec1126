import { configure, mailers, SendError, sendChannel } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { msg, RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';
import { recordSends } from './record-sends.js';

isolateSettings();

describe('send events on the mail:send tracing channel', () => {
  it('publishes start, end, asyncStart and asyncEnd for each delivered message, with the delivery', async () => {
    using rec = recordSends();
    const backend = new RecordingBackend();
    expect(await backend.sendMessages([msg('a'), msg('b')])).toBe(2);
    expect(rec.seen.map((s) => `${s.kind} ${s.subject}`)).toEqual([
      'start a',
      'end a',
      'start b',
      'end b',
      'asyncStart a',
      'asyncEnd a',
      'asyncStart b',
      'asyncEnd b',
    ]);
    const [a] = rec.ends();
    expect(a.mailer).toBeNull();
    expect(a.backend).toBe('RecordingBackend');
    expect(a.error).toBeUndefined();
    expect(a.delivery).toMatchObject({
      accepted: ['to@example.com'],
      rejected: [],
      attempts: 1,
      backend: 'RecordingBackend',
    });
    expect(a.delivery?.messageId).toMatch(/^<.+@.+>$/);
  });

  it('publishes error for a failed message, and ends the ones the failure stopped', async () => {
    using rec = recordSends();
    const backend = new RecordingBackend({ failOn: (s: string) => s === 'b' && new Error('550 no') });
    const error = await backend.sendMessages([msg('a'), msg('b'), msg('c')]).catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    await Promise.resolve();
    const errors = rec.seen.filter((s) => s.kind === 'error');
    expect(errors.map((s) => s.subject)).toEqual(['b', 'c']);
    expect(errors[0].event.error).toBe(error); // what the caller got
    expect(rec.ends().map((e) => [e.message.subject, e.error ? 'failed' : 'sent'])).toEqual([
      ['a', 'sent'],
      ['b', 'failed'],
      ['c', 'failed'],
    ]);
  });

  it('sees failures under failSilently, and a connection that would not open', async () => {
    using rec = recordSends();
    const silent = new RecordingBackend({ failSilently: true, failOn: (s: string) => s === 'a' && new Error('boom') });
    expect(await silent.sendMessages([msg('a'), msg('b')])).toBe(1);
    const refused = new RecordingBackend({
      failSilently: true,
      openError: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(await refused.sendMessages([msg('c')])).toBe(0);
    await Promise.resolve();
    const ends = rec.ends().map((e) => [e.message.subject, (e.error as Error | undefined)?.message ?? 'sent']);
    expect(ends).toEqual([
      ['a', expect.stringContaining('boom')],
      ['b', 'sent'],
      ['c', expect.stringContaining('Could not open the connection')],
    ]);
  });

  it('names the mailer alias and the backend of a mailer', async () => {
    configure({
      mailers: { default: { backend: RecordingBackend as never }, bulk: { backend: RecordingBackend as never } },
    });
    using rec = recordSends();
    const bulk = await mailers.get('bulk');
    await bulk.sendMessages([msg('x')]);
    expect(rec.ends()[0]).toMatchObject({ mailer: 'bulk', backend: 'RecordingBackend' });
  });

  it('an invalid message in the batch ends every message of it with that error', async () => {
    using rec = recordSends();
    const bad = msg('bad');
    bad.subject = 'injected\r\nBcc: victim@example.com';
    const error = await new RecordingBackend().sendMessages([msg('ok'), bad]).catch((e) => e);
    await Promise.resolve();
    expect(rec.ends().map((e) => e.error)).toEqual([error, error]);
  });

  it('publishes nothing and builds no context while no one subscribes', async () => {
    expect(sendChannel.hasSubscribers).toBe(false);
    const backend = new RecordingBackend();
    expect(await backend.sendMessages([msg('a')])).toBe(1);
    {
      using rec = recordSends();
      await backend.sendMessages([msg('b')]);
      expect(rec.seen.length).toBeGreaterThan(0);
    }
    expect(sendChannel.hasSubscribers).toBe(false);
  });
});
