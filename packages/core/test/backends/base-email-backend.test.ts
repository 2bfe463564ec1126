import {
  BadHeaderError,
  BaseEmailBackend,
  ConfigurationError,
  configure,
  type DeliveryOutcome,
  InvalidAddressError,
  type PreparedMessage,
  SendError,
} from '@mail/core';
import { describe, expect, it } from 'vitest';
import { deferred, msg, RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

/** How a mailer tells its backend which alias built it (a registered symbol, so any copy of core agrees). */
const MAILER_ALIAS = Symbol.for('@mail/core.mailer-alias');

isolateSettings();

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('sendMessages: counting, opening and closing', () => {
  it('delivers a batch in order, counts it, opens once and closes what it opened', async () => {
    const backend = new RecordingBackend();
    expect(await backend.sendMessages([msg('a'), msg('b'), msg('c')])).toBe(3);
    expect(backend.log).toEqual([
      'open',
      'start a',
      'deliver a',
      'start b',
      'deliver b',
      'start c',
      'deliver c',
      'close',
    ]);
    expect(backend.connected).toBe(false);
  });

  it('resolves an empty batch to 0 without opening anything', async () => {
    const backend = new RecordingBackend();
    expect(await backend.sendMessages([])).toBe(0);
    expect(backend.log).toEqual([]);
  });

  it('takes any iterable, and refuses what is not one', async () => {
    const backend = new RecordingBackend();
    expect(await backend.sendMessages(new Set([msg('a')]))).toBe(1);
    await expect(backend.sendMessages(msg('x') as never)).rejects.toThrow(TypeError);
    await expect(backend.sendMessages([{ subject: 'not a message' }] as never)).rejects.toThrow(/item 0/);
  });

  it('leaves a connection the caller opened open, and open() says whether it opened one', async () => {
    const backend = new RecordingBackend();
    expect(await backend.open()).toBe(true);
    expect(await backend.open()).toBe(false);
    expect(await backend.sendMessages([msg('a')])).toBe(1);
    expect(await backend.sendMessages([msg('b')])).toBe(1);
    expect(backend.connected).toBe(true);
    expect(backend.opens).toBe(1);
    await backend.close();
    expect(backend.log).toEqual(['open', 'start a', 'deliver a', 'start b', 'deliver b', 'close']);
  });

  it('the base open() has no connection: false, and close() is a no-op', async () => {
    class Plain extends BaseEmailBackend {
      sent: string[] = [];
      protected override async deliverOne({ message }: PreparedMessage) {
        this.sent.push(message.subject);
      }
    }
    const backend = new Plain();
    expect(await backend.open()).toBe(false);
    await backend.close();
    expect(await backend.sendMessages([msg('a'), msg('b')])).toBe(2);
    expect(backend.sent).toEqual(['a', 'b']);
  });

  it('`await using` closes the backend at the end of the block', async () => {
    const log: string[] = [];
    {
      await using backend = new RecordingBackend({ log });
      await backend.open();
      await backend.sendMessages([msg('a')]);
      expect(log.at(-1)).toBe('deliver a');
    }
    expect(log.at(-1)).toBe('close');
  });

  it('a backend implementing neither deliverOne nor deliver says so', async () => {
    class Empty extends BaseEmailBackend {}
    await expect(new Empty().sendMessages([msg('a')])).rejects.toThrow(
      /Empty must implement deliverOne\(\) or deliver\(\)/,
    );
  });
});

describe('every message is checked before any is sent', () => {
  it('a header injection in the last message stops the batch before open()', async () => {
    const backend = new RecordingBackend();
    const error = await rejection(backend.sendMessages([msg('fine'), msg('evil\r\nBcc: victim@example.com')]));
    expect(error).toBeInstanceOf(BadHeaderError);
    expect(backend.log).toEqual([]);
  });

  it('failSilently never hides bad input', async () => {
    const backend = new RecordingBackend({ failSilently: true });
    await expect(backend.sendMessages([msg('fine'), msg('x', { to: ['not an address@@'] })])).rejects.toBeInstanceOf(
      InvalidAddressError,
    );
    expect(backend.log).toEqual([]);
    // Nor a guard a backend trips itself while delivering.
    const guarded = new RecordingBackend({ failSilently: true, failOn: () => new BadHeaderError('found late') });
    await expect(guarded.sendMessages([msg('a')])).rejects.toBeInstanceOf(BadHeaderError);
    expect(guarded.connected).toBe(false);
  });
});

describe('failures', () => {
  it('open() under failSilently: one rule for every backend (a failure resolves false, a configuration error rejects)', async () => {
    const refused = new Error('connection refused');
    expect(await new RecordingBackend({ openError: refused, failSilently: true }).open()).toBe(false);
    expect(await rejection(new RecordingBackend({ openError: refused }).open())).toBe(refused);
    const misconfigured = new ConfigurationError('both useTls and useSsl');
    expect(await rejection(new RecordingBackend({ openError: misconfigured, failSilently: true }).open())).toBe(
      misconfigured,
    );
    // failSilently is read when open() runs, as sendMessages() reads it.
    const backend = new RecordingBackend({ openError: refused });
    backend.failSilently = true;
    expect(await backend.open()).toBe(false);
    // sendMessages() still sees the failure: nothing delivered, 0 sent, nothing thrown.
    expect(await backend.sendMessages([msg('a')])).toBe(0);
    expect(backend.log).toEqual([]);
    // Not an own enumerable field: what inspect and JSON show is unchanged.
    expect(Object.keys(backend)).not.toContain('open');
  });

  it('stop the batch with a SendError saying which message failed and how many were delivered before it', async () => {
    const cause = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
    const backend = new RecordingBackend({ failOn: (s: string) => (s === 'b' ? cause : undefined) });
    const error = (await rejection(backend.sendMessages([msg('a'), msg('b'), msg('c')]))) as SendError;
    expect(error).toBeInstanceOf(SendError);
    expect(error.code).toBe('MAIL_SEND_FAILED');
    expect(error.message).toMatch(
      /^Message 2 of 3 \(to to@example\.com\) failed; 1 delivered before it: mailbox unavailable/,
    );
    expect([error.sent, error.messageIndex, error.transient]).toEqual([1, 1, false]);
    expect(error.cause).toBe(cause);
    expect(backend.log).toEqual(['open', 'start a', 'deliver a', 'start b', 'close']);
  });

  it('with failSilently skip the failed message, go on, and count only what was delivered', async () => {
    const backend = new RecordingBackend({
      failSilently: true,
      failOn: (s: string) => (s === 'b' ? new Error('nope') : undefined),
    });
    expect(await backend.sendMessages([msg('a'), msg('b'), msg('c')])).toBe(2);
    expect(backend.log).toEqual(['open', 'start a', 'deliver a', 'start b', 'start c', 'deliver c', 'close']);
  });

  it('keep a SendError a backend throws (e.g. an SMTP error subclass), filling in the count', async () => {
    class SmtpLikeError extends SendError {}
    const thrown = new SmtpLikeError('452 try later', { transient: true });
    const backend = new RecordingBackend({ failOn: (s: string) => (s === 'c' ? thrown : undefined) });
    const error = (await rejection(backend.sendMessages([msg('a'), msg('b'), msg('c')]))) as SendError;
    expect(error).toBe(thrown);
    expect([error.sent, error.messageIndex, error.transient, error.name]).toEqual([2, 2, true, 'SmtpLikeError']);
    expect(error.message).toMatch(/^Message 3 of 3 .*2 delivered before it: 452 try later$/);
  });

  it('of open() are a SendError keeping the cause (transient for a refused connection), or 0 with failSilently', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = (await rejection(new RecordingBackend({ openError: refused }).sendMessages([msg('a')]))) as SendError;
    expect(error).toBeInstanceOf(SendError);
    expect(error.message).toMatch(/^Could not open the connection: connect ECONNREFUSED/);
    expect([error.sent, error.transient, error.cause]).toEqual([0, true, refused]);
    expect(await new RecordingBackend({ openError: refused, failSilently: true }).sendMessages([msg('a')])).toBe(0);
  });

  it('a configuration error from open() is never silenced nor wrapped', async () => {
    const misconfigured = new ConfigurationError('emailUseTls and emailUseSsl are both true');
    const backend = new RecordingBackend({ openError: misconfigured, failSilently: true });
    expect(await rejection(backend.sendMessages([msg('a')]))).toBe(misconfigured);
  });

  it('of close() after delivery report the count, unless failSilently; a delivery error wins over a close error', async () => {
    const closeError = new Error('QUIT failed');
    const error = (await rejection(
      new RecordingBackend({ closeError }).sendMessages([msg('a'), msg('b')]),
    )) as SendError;
    expect(error).toBeInstanceOf(SendError);
    expect([error.sent, error.cause]).toEqual([2, closeError]);
    expect(await new RecordingBackend({ closeError, failSilently: true }).sendMessages([msg('a')])).toBe(1);
    const both = new RecordingBackend({ closeError, failOn: () => new Error('DATA refused') });
    expect((await rejection(both.sendMessages([msg('a')]))).message).toMatch(/DATA refused/);
  });
});

describe('concurrent batches', () => {
  it('share one connection, run one after another without interleaving, and the last closes it', async () => {
    const gate = deferred();
    const backend = new RecordingBackend({ holdOn: new Map([['a1', gate.promise]]) });
    const first = backend.sendMessages([msg('a1'), msg('a2')]);
    const second = backend.sendMessages([msg('b1'), msg('b2')]);
    const third = backend.sendMessages([msg('c1')]);
    // Let every queued microtask run: the first batch is held at a1, the others must wait.
    await new Promise((r) => setImmediate(r));
    expect(backend.log).toEqual(['open', 'start a1']);
    gate.resolve();
    expect(await Promise.all([first, second, third])).toEqual([2, 2, 1]);
    expect(backend.log).toEqual([
      'open',
      'start a1',
      'deliver a1',
      'start a2',
      'deliver a2',
      'start b1',
      'deliver b1',
      'start b2',
      'deliver b2',
      'start c1',
      'deliver c1',
      'close',
    ]);
    expect(backend.opens).toBe(1);
  });

  it('on a connection the caller opened: still serialised, still left open', async () => {
    const gate = deferred();
    const backend = new RecordingBackend({ holdOn: new Map([['a', gate.promise]]) });
    await backend.open();
    const both = Promise.all([backend.sendMessages([msg('a')]), backend.sendMessages([msg('b')])]);
    await new Promise((r) => setImmediate(r));
    expect(backend.log).toEqual(['open', 'start a']);
    gate.resolve();
    expect(await both).toEqual([1, 1]);
    expect(backend.connected).toBe(true);
    expect(backend.log).toEqual(['open', 'start a', 'deliver a', 'start b', 'deliver b']);
  });

  it('a failing batch does not break the queue for the next one', async () => {
    const backend = new RecordingBackend({ failOn: (s: string) => (s === 'bad' ? new Error('boom') : undefined) });
    const [failed, ok] = await Promise.allSettled([
      backend.sendMessages([msg('bad')]),
      backend.sendMessages([msg('good')]),
    ]);
    expect(failed.status).toBe('rejected');
    expect(ok).toEqual({ status: 'fulfilled', value: 1 });
    expect(backend.log).toEqual(['open', 'start bad', 'start good', 'deliver good', 'close']);
    // And a batch after everything settled opens afresh.
    expect(await backend.sendMessages([msg('later')])).toBe(1);
    expect(backend.opens).toBe(2);
  });
});

describe('deliver(): a whole batch at once', () => {
  it('reports each message to the outcome, which counts and applies failSilently', async () => {
    class Pipelined extends BaseEmailBackend {
      seen: number[] = [];
      protected override async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome) {
        this.seen = batch.map((m) => m.index);
        for (const m of batch) {
          if (m.message.subject === 'lost') outcome.failed(m, new Error('lost in the pipe'));
          else outcome.delivered(m);
        }
        expect(outcome.sent).toBe(batch.length - 1);
      }
    }
    const quiet = new Pipelined({ failSilently: true });
    expect(await quiet.sendMessages([msg('a'), msg('lost'), msg('c')])).toBe(2);
    expect(quiet.seen).toEqual([0, 1, 2]);
    const loud = new Pipelined();
    await expect(loud.sendMessages([msg('a'), msg('lost')])).rejects.toMatchObject({ sent: 1, messageIndex: 1 });
  });

  it('gives deliver() the built message and its envelope (Bcc included, display names stripped)', async () => {
    let prepared: PreparedMessage | undefined;
    class Capture extends BaseEmailBackend {
      protected override async deliverOne(m: PreparedMessage) {
        prepared = m;
      }
    }
    const message = msg('env', {
      fromEmail: 'Me <me@example.com>',
      to: ['A <a@example.com>'],
      bcc: ['hidden@example.com'],
    });
    await new Capture().sendMessages([message]);
    expect(prepared!.message).toBe(message);
    expect(prepared!.envelope).toEqual({ from: 'me@example.com', to: ['a@example.com', 'hidden@example.com'] });
    expect(await prepared!.mime.asString()).toMatch(/^Subject: env\r$/m);
  });
});

describe('constructor options', () => {
  it('refuses an option the class does not declare, naming it and suggesting the closest', () => {
    expect(() => new RecordingBackend({ failon: () => undefined })).toThrow(ConfigurationError);
    expect(() => new RecordingBackend({ failon: () => undefined })).toThrow(
      /Unknown option "failon" for RecordingBackend\. Did you mean "failOn"\?/,
    );
    expect(() => new RecordingBackend({ failSilently: true, log: [] })).not.toThrow();
  });

  it('names the mailer alias in that error when built for one', () => {
    expect(() => new RecordingBackend({ hots: 'x', [MAILER_ALIAS]: 'bulk' } as never)).toThrow(
      /for mailer "bulk" \(RecordingBackend\)/,
    );
  });

  it('checks nothing for a class that declares no optionNames', () => {
    class Open extends BaseEmailBackend {}
    expect(() => new Open({ anything: 1 })).not.toThrow();
  });

  it('is a TypeError when not an object', () => {
    expect(() => new RecordingBackend(null as never)).toThrow(TypeError);
  });

  it('alias is null unless built for a mailer; settingDefaults() then skips configure() and the environment', () => {
    class Peek extends BaseEmailBackend {
      host() {
        return this.settingDefaults().emailHost;
      }
    }
    configure({ emailHost: 'configured.example' });
    const plain = new Peek();
    const forMailer = new Peek({ [MAILER_ALIAS]: 'bulk' } as never);
    expect([plain.alias, plain.host()]).toEqual([null, 'configured.example']);
    expect([forMailer.alias, forMailer.host()]).toEqual(['bulk', 'localhost']);
  });

  it('failSilently is a public, changeable flag', async () => {
    const backend = new RecordingBackend({ failOn: () => new Error('x') });
    expect(backend.failSilently).toBe(false);
    backend.failSilently = true;
    expect(await backend.sendMessages([msg('a')])).toBe(0);
  });
});
