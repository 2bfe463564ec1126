import {
  BaseEmailBackend,
  ConfigurationError,
  configure,
  type EmailMessage,
  getConnection,
  mailers,
  type PreparedMessage,
  SendError,
} from '@mail/core';
import { describe, expect, it } from 'vitest';
import { msg } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const fast = { minDelayMs: 1, maxDelayMs: 5 };

/**
 * A backend whose deliveries fail as `script(subject, attempt)` says (an error to throw, or
 * nothing to deliver), counting the attempts of each message and the connections it opened.
 */
function scripted(script: (subject: string, attempt: number) => unknown, openScript?: (n: number) => unknown) {
  const tries = new Map<string, number>();
  const delivered: string[] = [];
  let opens = 0;
  class Scripted extends BaseEmailBackend {
    static override readonly optionNames: readonly string[] = [];
    override async open(): Promise<boolean> {
      opens++;
      const error = openScript?.(opens);
      if (error) throw error;
      return true;
    }
    protected override async deliverOne({ message }: PreparedMessage): Promise<void> {
      const attempt = (tries.get(message.subject) ?? 0) + 1;
      tries.set(message.subject, attempt);
      const error = script(message.subject, attempt);
      if (error) throw error;
      delivered.push(message.subject);
    }
  }
  return { Scripted, tries, delivered, opens: () => opens };
}

const transient = () => new SendError('451 try later', { transient: true });
const permanent = () => new SendError('550 no', { transient: false });

function batch(n: number): EmailMessage[] {
  return Array.from({ length: n }, (_, i) => msg(`m${i}`));
}

describe('retry: handled once in the base contract, for every backend', () => {
  it('is off by default: a transient failure stops the batch, as before', async () => {
    const { Scripted, tries } = scripted((s, a) => (s === 'm1' && a === 1 ? transient() : undefined));
    const error = await new Scripted().sendMessages(batch(3)).catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error.sent).toBe(1);
    expect(tries.get('m1')).toBe(1);
    expect(tries.has('m2')).toBe(false);
  });

  it('retries transient failures after the rest of the batch, each accepted message sent once', async () => {
    const { Scripted, tries, delivered } = scripted((s, a) =>
      ['m1', 'm3'].includes(s) && a < 3 ? transient() : undefined,
    );
    const messages = batch(5);
    expect(await new Scripted({ retry: { attempts: 3, ...fast } }).sendMessages(messages)).toBe(5);
    expect(delivered).toEqual(['m0', 'm2', 'm4', 'm1', 'm3']);
    expect([...tries.values()]).toEqual([1, 3, 1, 3, 1]);
    expect(messages.map((m) => m.delivery!.attempts)).toEqual([1, 3, 1, 3, 1]);
  });

  it('never retries a permanent failure, nor one that may have been delivered; the batch goes on and the error says so', async () => {
    const maybe = () => new SendError('lost after the final dot', { transient: true, maybeDelivered: true });
    const { Scripted, tries } = scripted((s) => (s === 'm1' ? permanent() : s === 'm2' ? maybe() : undefined));
    const error = await new Scripted({ retry: { attempts: 5, ...fast } }).sendMessages(batch(4)).catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error.messageIndex).toBe(1);
    expect(error.sent).toBe(2);
    expect(error.message).toMatch(
      /^Message 2 of 4 \(to to@example\.com\) failed; 2 of the batch delivered, 1 other failed/,
    );
    expect(tries.get('m1')).toBe(1);
    expect(tries.get('m2')).toBe(1);
    expect(tries.get('m3')).toBe(1);
  });

  it('retries a connection that did not open (refused, reset), then delivers everything', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { Scripted, opens, delivered } = scripted(
      () => undefined,
      (n) => (n < 3 ? refused : undefined),
    );
    expect(await new Scripted({ retry: { attempts: 3, ...fast } }).sendMessages(batch(2))).toBe(2);
    expect(opens()).toBe(3);
    expect(delivered).toEqual(['m0', 'm1']);
    // Out of attempts: the open failure is what the error says.
    const again = scripted(
      () => undefined,
      () => refused,
    );
    const error = await new again.Scripted({ retry: { attempts: 2, ...fast } }).sendMessages(batch(2)).catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error.transient).toBe(true);
    expect(error.cause).toBe(refused);
    expect(again.opens()).toBe(2);
  });

  it('the attempts run out: the final failure, its attempts, and the count of what was delivered', async () => {
    const { Scripted } = scripted((s) => (s === 'm0' ? transient() : undefined));
    const messages = batch(3);
    const error = await new Scripted({ retry: { attempts: 4, ...fast } }).sendMessages(messages).catch((e) => e);
    expect(error.message).toMatch(/^Message 1 of 3 .* failed after 4 attempts; 2 of the batch delivered: /);
    expect(error.sent).toBe(2);
    expect(messages[0]!.delivery).toMatchObject({ attempts: 4, accepted: [] });
    // failSilently: the same attempts, and the count.
    expect(await new Scripted({ retry: { attempts: 2, ...fast }, failSilently: true }).sendMessages(batch(3))).toBe(2);
  });

  it('waits between attempts: minDelayMs, times factor, capped by maxDelayMs', async () => {
    const { Scripted } = scripted((_s, a) => (a < 4 ? transient() : undefined));
    const started = performance.now();
    await new Scripted({
      retry: { attempts: 4, minDelayMs: 20, factor: 2, maxDelayMs: 30, jitter: false },
    }).sendMessages([msg('x')]);
    // 20 + 30 (40 capped) + 30 = 80 ms of waiting at least.
    expect(performance.now() - started).toBeGreaterThanOrEqual(78);
  });
});

describe('retry: options, settings and EMAIL_URL, checked', () => {
  it('takes a number of attempts or the options, and shows the policy', () => {
    const { Scripted } = scripted(() => undefined);
    expect(new Scripted({ retry: 3 }).retry).toEqual({
      attempts: 3,
      minDelayMs: 200,
      maxDelayMs: 30_000,
      factor: 2,
      jitter: true,
    });
    expect(new Scripted({ retry: { attempts: 1 } }).retry).toBeNull();
    expect(new Scripted().retry).toBeNull();
  });

  it.each([
    [{ attempt: 3 }, /The option "retry" has an unknown key "attempt". Did you mean "attempts"\?/],
    [{ attempts: 0 }, /attempts must be an integer of at least 1/],
    [{ attempts: 2.5 }, /attempts must be an integer/],
    [{ attempts: 3, minDelayMs: -1 }, /minDelayMs must be/],
    [{ attempts: 3, minDelayMs: 500, maxDelayMs: 100 }, /maxDelayMs must be .* at least minDelayMs \(500\)/],
    [{ attempts: 3, factor: 0.5 }, /factor must be a number of at least 1/],
    [{ attempts: 3, jitter: 'yes' }, /jitter must be true or false/],
    ['3', /must be a number of attempts or \{ attempts/],
  ])('a bad retry %j is a ConfigurationError naming it', (retry, pattern) => {
    const { Scripted } = scripted(() => undefined);
    expect(() => new Scripted({ retry: retry as never })).toThrow(ConfigurationError);
    expect(() => new Scripted({ retry: retry as never })).toThrow(pattern);
  });

  it('a mailer takes retry in its options; a typo there names the mailer and the key', async () => {
    const { Scripted } = scripted(() => undefined);
    configure({ mailers: { default: { backend: Scripted, options: { retry: { attempts: 2 } } } } });
    expect((await mailers.get('default')).retry?.attempts).toBe(2);
    configure({ mailers: { default: { backend: Scripted, options: { retry: { atempts: 2 } } } } });
    await expect(mailers.get('default')).rejects.toThrow(
      /Mailer "default": retry has an unknown key "atempts". Did you mean "attempts"\?/,
    );
    configure({ mailers: { default: { backend: Scripted, options: { retyr: 2 } } } });
    await expect(mailers.get('default')).rejects.toThrow(/Unknown option "retyr" .* Did you mean "retry"\?/);
  });

  it('emailRetry, EMAIL_RETRY and ?retry= on EMAIL_URL give the default, checked at configure()', async () => {
    const { Scripted } = scripted(() => undefined);
    configure({ emailRetry: { attempts: 4, minDelayMs: 10 } });
    expect(new Scripted().retry).toMatchObject({ attempts: 4, minDelayMs: 10 });
    expect(() => configure({ emailRetry: { attempts: 4, maxDelay: 10 } as never })).toThrow(
      /Setting "emailRetry" has an unknown key "maxDelay". Did you mean "maxDelayMs"\?/,
    );
    configure({ emailRetry: undefined });
    process.env.EMAIL_RETRY = '3';
    expect(new Scripted().retry?.attempts).toBe(3);
    process.env.EMAIL_RETRY = 'three';
    expect(() => new Scripted()).toThrow(/EMAIL_RETRY must be a number of attempts/);
    delete process.env.EMAIL_RETRY;
    process.env.EMAIL_URL = 'locmem:?retry=5';
    expect(new Scripted().retry?.attempts).toBe(5);
    process.env.EMAIL_URL = 'smtp://mx.example:587?tls=true&retry=2';
    expect(new Scripted().retry?.attempts).toBe(2);
    process.env.EMAIL_URL = 'smtp://mx.example:587?retries=2';
    expect(() => new Scripted()).toThrow(/unknown parameter "retries"/);
    process.env.EMAIL_URL = 'console:?retry=0';
    expect(() => new Scripted()).toThrow(/retry="0"; expected a number of attempts, 1 or more/);
    delete process.env.EMAIL_URL;
    // A backend built for a mailer takes its retry from the mailer alone.
    configure({ emailRetry: 3, mailers: { default: { backend: Scripted } } });
    expect((await getConnection()).retry).toBeNull();
  });
});
