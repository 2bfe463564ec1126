// Header injection, the unit file: the guards (checkHeaderName, checkHeaderValue) and every
// header field a message writes. Hostile and generated input: security/header-injection.test.ts.
import {
  BadHeaderError,
  checkHeaderName,
  checkHeaderValue,
  EmailMessage,
  type EmailMessageOptions,
  EmailMultiAlternatives,
} from '@mail/core';
import { describe, expect, it } from 'vitest';
import { RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('checkHeaderValue', () => {
  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF', 'a\r\nBcc: x@evil.example'],
    ['NEL', 'a\u0085b'],
    ['LINE SEPARATOR', 'a\u2028b'],
    ['PARAGRAPH SEPARATOR', 'a\u2029b'],
    ['NUL', 'a\u0000b'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
  ])('refuses %s and names the header', (_label, value) => {
    expect(() => checkHeaderValue('X-Test', value)).toThrow(BadHeaderError);
    expect(() => checkHeaderValue('X-Test', value)).toThrow(/X-Test/);
  });

  it('accepts printable text, TAB and non-ASCII letters', () => {
    expect(() => checkHeaderValue('Subject', 'Réunion\tn°5 — 日本語')).not.toThrow();
  });

  it('gives a stable error code', () => {
    try {
      checkHeaderValue('Subject', 'x\ny');
      expect.unreachable();
    } catch (error) {
      expect((error as BadHeaderError).code).toBe('MAIL_BAD_HEADER');
      expect((error as Error).name).toBe('BadHeaderError');
    }
  });
});

describe('checkHeaderName', () => {
  it.each(['X-Campaign', 'Message-ID', 'x!#$%&*+'])('accepts %s', (name) => {
    expect(() => checkHeaderName(name)).not.toThrow();
  });
  it.each(['', 'X Space', 'X:Colon', 'X-\r\nBcc', 'X-é', 'X-\t', 'X-\u0000'])('refuses %j', (name) => {
    expect(() => checkHeaderName(name)).toThrow(BadHeaderError);
  });
});

const BREAKS = { CR: '\r', LF: '\n', CRLF: '\r\n', NEL: '\u0085', LS: '\u2028', PS: '\u2029' };
const base: EmailMessageOptions = {
  subject: 'ok',
  body: 'body',
  fromEmail: 'from@example.com',
  to: ['to@example.com'],
};

const cases: [string, (brk: string) => EmailMessageOptions | ((m: EmailMessage) => void)][] = [
  ['subject', (b) => ({ subject: `Subject${b}Bcc: victim@evil.example` })],
  ['fromEmail', (b) => ({ fromEmail: `from@example.com${b}Bcc: victim@evil.example` })],
  ['from display name', (b) => ({ fromEmail: `Evil${b}Bcc: victim@evil.example <from@example.com>` })],
  ['to', (b) => ({ to: [`to@example.com${b}Bcc: victim@evil.example`] })],
  ['to display name', (b) => ({ to: [`"Evil${b}Bcc: victim@evil.example" <to@example.com>`] })],
  ['cc', (b) => ({ cc: [`cc@example.com${b}X: y`] })],
  ['bcc', (b) => ({ bcc: [`bcc@example.com${b}X: y`] })],
  ['replyTo', (b) => ({ replyTo: [`r@example.com${b}X: y`] })],
  ['extra header value', (b) => ({ headers: { 'X-Campaign': `a${b}Bcc: victim@evil.example` } })],
  ['extra header name', (b) => ({ headers: { [`X-Campaign${b}Bcc`]: 'victim@evil.example' } })],
  ['To override', (b) => ({ headers: { To: `list@example.com${b}Bcc: victim@evil.example` } })],
  ['attachment filename', (b) => (m: EmailMessage) => m.attach(`a${b}.txt`, 'x', 'text/plain')],
];

describe.each(Object.entries(BREAKS))('header injection with %s', (_label, brk) => {
  it.each(cases)('is refused in %s by message()', (_field, make) => {
    const made = make(brk);
    const message = typeof made === 'function' ? new EmailMessage(base) : new EmailMessage({ ...base, ...made });
    if (typeof made === 'function') made(message);
    expect(() => message.message()).toThrow(BadHeaderError);
  });
});

describe('header injection through send()', () => {
  it.each(cases)('rejects %s before anything is delivered, failSilently or not', async (_field, make) => {
    const log: string[] = [];
    const made = make('\n');
    const message =
      typeof made === 'function' ? new EmailMultiAlternatives(base) : new EmailMultiAlternatives({ ...base, ...made });
    if (typeof made === 'function') made(message);
    message.connection = new RecordingBackend({ log });
    await expect(message.send({ failSilently: true })).rejects.toThrow(BadHeaderError);
    expect(log).toEqual([]);
  });
});

it('refuses other control characters in header values rather than writing them raw', () => {
  expect(() => new EmailMessage({ ...base, subject: 'a\u0000b' }).message()).toThrow(BadHeaderError);
  expect(() => new EmailMessage({ ...base, headers: { 'X-A': 'a\u0008b' } }).message()).toThrow(BadHeaderError);
});

it('refuses header names that are not printable ASCII without a colon', () => {
  for (const name of ['X Space', 'X:Colon', 'X-é', '']) {
    expect(() => new EmailMessage({ ...base, headers: { [name]: 'v' } }).message()).toThrow(BadHeaderError);
  }
});
