import { configure, EmailMessage, HookError, mailers, onBeforeSend, onFailed, onSent, SendError } from '@mail/core';
import { afterEach, describe, expect, it } from 'vitest';
import { msg, RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';
import { recordSends } from './record-sends.js';

isolateSettings();

const removers: (() => void)[] = [];
/** Register a hook for this test only. */
function hook(off: () => void): void {
  removers.push(off);
}
afterEach(() => {
  for (const off of removers.splice(0)) off();
});

describe('onBeforeSend', () => {
  it('may change the message; async hooks are awaited in order', async () => {
    const order: string[] = [];
    hook(
      onBeforeSend(async ({ message }) => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('first');
        message.headers['X-Campaign'] = 'winter';
      }),
    );
    hook(onBeforeSend(({ message }) => void order.push(`second sees ${message.headers['X-Campaign']}`)));
    const backend = new RecordingBackend();
    let wire = '';
    hook(onSent(async ({ message }) => void (wire = await message.message().asString())));
    expect(await backend.sendMessages([msg('a')])).toBe(1);
    expect(order).toEqual(['first', 'second sees winter']);
    expect(wire).toContain('X-Campaign: winter');
  });

  it('may return another message to send instead', async () => {
    hook(
      onBeforeSend(
        ({ message }) => new EmailMessage({ ...message, subject: `[staging] ${message.subject}`, to: message.to }),
      ),
    );
    const backend = new RecordingBackend();
    await backend.sendMessages([msg('a')]);
    expect(backend.log).toContain('deliver [staging] a');
  });

  it('cancels with false: not sent, not counted, delivery.cancelled, and the subscriber sees it', async () => {
    using rec = recordSends();
    hook(onBeforeSend(({ message }) => message.subject !== 'b'));
    const sent: string[] = [];
    hook(onSent(({ message }) => void sent.push(message.subject)));
    const backend = new RecordingBackend();
    expect(await backend.sendMessages([msg('a'), msg('b'), msg('c')])).toBe(2);
    expect(backend.log.filter((l) => l.startsWith('deliver'))).toEqual(['deliver a', 'deliver c']);
    expect(sent).toEqual(['a', 'c']);
    await Promise.resolve();
    const b = rec.ends().find((e) => e.message.subject === 'b')!;
    expect(b.delivery).toMatchObject({ cancelled: true, accepted: [], attempts: 0 });
    expect(b.error).toBeUndefined();
  });

  it('cancelling every message opens nothing and resolves to 0', async () => {
    hook(onBeforeSend(() => false));
    const backend = new RecordingBackend();
    expect(await backend.sendMessages([msg('a')])).toBe(0);
    expect(backend.log).toEqual([]);
  });

  it('a hook that throws stops the batch before anything is sent, even with failSilently', async () => {
    using rec = recordSends();
    hook(
      onBeforeSend(({ message }) => {
        if (message.subject === 'b') throw new Error('template missing');
      }),
    );
    const backend = new RecordingBackend({ failSilently: true });
    const error = await backend.sendMessages([msg('a'), msg('b')]).catch((e) => e);
    expect(error).toBeInstanceOf(HookError);
    expect(error).toMatchObject({ code: 'MAIL_HOOK_FAILED', hook: 'onBeforeSend', sent: 0 });
    expect(error.message).toMatch(/message 2 of 2; nothing of the batch was sent: template missing/);
    expect(error.cause).toEqual(new Error('template missing'));
    expect(backend.log).toEqual([]);
    await Promise.resolve();
    expect(rec.ends().map((e) => e.error)).toEqual([error, error]);
  });
});

describe('onSent and onFailed', () => {
  it('onFailed sees each failure (also under failSilently) with the error; onSent the delivery', async () => {
    const seen: string[] = [];
    hook(onSent(({ message, delivery }) => void seen.push(`sent ${message.subject} ${delivery?.accepted}`)));
    hook(onFailed(({ message, error }) => void seen.push(`failed ${message.subject}: ${(error as Error).message}`)));
    const backend = new RecordingBackend({
      failSilently: true,
      failOn: (s: string) => s === 'a' && new Error('552 full'),
    });
    expect(await backend.sendMessages([msg('a'), msg('b')])).toBe(1);
    expect(seen).toEqual([expect.stringMatching(/^failed a: Message 1 of 2 .*552 full$/), 'sent b to@example.com']);
  });

  it('an onSent hook that throws is reported with the count sent, never swallowed', async () => {
    hook(
      onSent(() => {
        throw new Error('metrics down');
      }),
    );
    const backend = new RecordingBackend();
    const error = await backend.sendMessages([msg('a'), msg('b')]).catch((e) => e);
    expect(error).toBeInstanceOf(HookError);
    expect(error).toMatchObject({ hook: 'onSent', sent: 2 });
    expect(error.message).toMatch(/metrics down \(2 of 2 messages were sent: do not send them again\)/);
    expect(backend.log.filter((l) => l.startsWith('deliver'))).toHaveLength(2);
  });

  it('when delivery fails too, the delivery error is thrown and names the hook failure', async () => {
    hook(
      onFailed(() => {
        throw new Error('pager down');
      }),
    );
    const backend = new RecordingBackend({ failOn: () => new Error('550 no') });
    const error = await backend.sendMessages([msg('a')]).catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error.message).toMatch(/550 no; and an onFailed hook threw: pager down/);
  });

  it('per mailer: a hook with { mailer } runs only for that alias; the remover removes it', async () => {
    configure({
      mailers: { default: { backend: RecordingBackend as never }, bulk: { backend: RecordingBackend as never } },
    });
    const seen: (string | null)[] = [];
    const off = onSent(({ mailer }) => void seen.push(mailer), { mailer: 'bulk' });
    hook(off);
    await (await mailers.get('default')).sendMessages([msg('a')]);
    await (await mailers.get('bulk')).sendMessages([msg('b')]);
    await new RecordingBackend().sendMessages([msg('c')]);
    expect(seen).toEqual(['bulk']);
    off();
    await (await mailers.get('bulk')).sendMessages([msg('d')]);
    expect(seen).toEqual(['bulk']);
  });

  it('refuses what is not a function or an alias', () => {
    expect(() => onSent('nope' as never)).toThrow(TypeError);
    expect(() => onSent(() => {}, { mailer: 3 as never })).toThrow(/mailer alias/);
  });
});
