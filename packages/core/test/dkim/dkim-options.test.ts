/**
 * The `dkim` option is checked when the backend is built, with errors that say what to fix, and
 * the private key never shows: not in errors (message, stack, causes, inspect), not in
 * `util.inspect` or `JSON.stringify` of the backend or its keys, not in console output.
 */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigurationError, EmailMessage } from '@mail/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BytesBackend } from './support.js';
import { dkimOption, rsaKey } from './verifiers.js';

const KEY = rsaKey('leak');
/** Lines of the PEM body: any of them in an output is a leak. */
const KEY_LINES = KEY.pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function shown(value: unknown): string {
  const parts = [inspect(value, { depth: Infinity, showHidden: true }), String(value)];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {}
  for (let e: unknown = value; e instanceof Error; e = e.cause) parts.push(e.message, e.stack ?? '');
  return parts.join('\n');
}

function expectNoKey(text: string) {
  for (const line of KEY_LINES) expect(text).not.toContain(line);
  expect(text).not.toContain('BEGIN PRIVATE KEY');
}

afterEach(() => vi.restoreAllMocks());

describe('dkim option checks', () => {
  it.each([
    [{ ...dkimOption(KEY), domainName: 'not a domain' }, /domainName must be a domain/],
    [{ ...dkimOption(KEY), keySelector: 'a;b=c' }, /keySelector must be a DNS label/],
    [{ ...dkimOption(KEY), privateKey: 'nonsense' }, /privateKey is not a PEM private key/],
    [{ ...dkimOption(KEY), algorithm: 'ed25519-sha256' }, /algorithm is ed25519-sha256 but privateKey is an rsa key/],
    [{ ...dkimOption(KEY), algorithm: 'rsa-sha1' }, /algorithm must be 'rsa-sha256' or 'ed25519-sha256'/],
    [{ ...dkimOption(KEY), canonicalization: 'loose' }, /canonicalization must be one of/],
    [{ ...dkimOption(KEY), skipFields: 'From' }, /cannot skip from/],
    [{ ...dkimOption(KEY), skipFields: ['list-unsubscribe'] }, /cannot skip list-unsubscribe/],
    [{ ...dkimOption(KEY), headerFieldNames: ['Subject', 'Bad Name'] }, /not a header field name/],
    [{ ...dkimOption(KEY), domian: 'x' }, /unknown field "domian"/],
    [[], /empty list/],
  ])('%# refuses a bad option at construction', (dkim, message) => {
    const error = errorOf(() => new BytesBackend({ dkim }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expectNoKey(shown(error));
  });

  it('refuses an RSA key under 1024 bits (RFC 8301) and a key DKIM cannot use', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey;
    expect(() => new BytesBackend({ dkim: { ...dkimOption(KEY), privateKey: small } })).toThrow(/512 bits/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => new BytesBackend({ dkim: { ...dkimOption(KEY), privateKey: ec } })).toThrow(/ec key/);
  });

  it('names the entry of a list that is wrong', () => {
    expect(() => new BytesBackend({ dkim: [dkimOption(KEY), { ...dkimOption(KEY), keySelector: '' }] })).toThrow(
      /dkim\[1\]\.keySelector/,
    );
  });

  it('a KeyObject works as well as PEM text', async () => {
    const backend = new BytesBackend({ dkim: { ...dkimOption(KEY), privateKey: KEY.privateKey } });
    await backend.sendMessages([new EmailMessage({ subject: 's', body: 'b', to: ['x@example.org'] })]);
    expect(backend.raw[0].toString()).toMatch(/^DKIM-Signature:/);
  });
});

describe('the private key never shows', () => {
  it('not in util.inspect or JSON.stringify of the backend', () => {
    const backend = new BytesBackend({ dkim: [dkimOption(KEY), { ...dkimOption(KEY), privateKey: KEY.privateKey }] });
    expectNoKey(shown(backend));
    expectNoKey(inspect(backend, { showHidden: true, depth: Infinity, showProxy: true }));
  });

  it('not in an error from a key that is almost PEM (a truncated key)', () => {
    const truncated = KEY.pem.slice(0, KEY.pem.length / 2);
    const error = errorOf(() => new BytesBackend({ dkim: { ...dkimOption(KEY), privateKey: truncated } }));
    expect(error).toBeInstanceOf(ConfigurationError);
    const text = shown(error);
    for (const line of truncated.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(text).not.toContain(line);
  });

  it('not on the console while signing and sending', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const backend = new BytesBackend({ dkim: dkimOption(KEY) });
    await backend.sendMessages([new EmailMessage({ subject: 's', body: 'b', to: ['x@example.org'] })]);
    expectNoKey(spies.flatMap((s) => s.mock.calls.map((c) => c.map((a) => shown(a)).join(' '))).join('\n'));
    expectNoKey(backend.raw[0].toString('latin1'));
  });
});
