/**
 * listUnsubscribe writes RFC 2369 / RFC 8058 headers from checked targets: angle brackets,
 * https for one-click, mailto as an address, and no way to break out of the header or of a
 * target (line breaks, '>', ',' and spaces in every place an attacker could put them).
 */

import { BadHeaderError, EmailMessage } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { BytesBackend } from '../dkim/support.js';
import { dkimOption, dkimpyVerdicts, hasDkimpy, mailauthVerdicts, rsaKey } from '../dkim/verifiers.js';

const base = { subject: 's', body: 'b', fromEmail: 'news@example.com', to: ['u@example.org'] };
const headersOf = async (m: EmailMessage) => {
  const text = (await m.message().asBytes()).toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
};

describe('listUnsubscribe', () => {
  it('writes https and mailto targets in angle brackets, https first, with One-Click', async () => {
    const m = new EmailMessage({
      ...base,
      listUnsubscribe: { mailto: 'unsub@example.com', url: 'https://example.com/u/42?t=a b', oneClick: true },
    });
    const head = await headersOf(m);
    expect(head).toContain('List-Unsubscribe: <https://example.com/u/42?t=a%20b>, <mailto:unsub@example.com>');
    expect(head).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(m.message().getHeader('list-unsubscribe')).toBe(
      '<https://example.com/u/42?t=a%20b>, <mailto:unsub@example.com>',
    );
    const parsed = await simpleParser(await m.message().asBytes());
    // A real parser reads both fields (mailparser files List-* under `list`).
    expect(parsed.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect((parsed.headers.get('list') as { unsubscribe?: { url?: string } })?.unsubscribe?.url).toBe(
      'https://example.com/u/42?t=a%20b',
    );
  });

  it('takes mailto as a URL with a subject, percent-encoded; no Post header without oneClick', async () => {
    const head = await headersOf(
      new EmailMessage({ ...base, listUnsubscribe: { mailto: 'mailto:stop@example.com?subject=Stop now' } }),
    );
    expect(head).toContain('List-Unsubscribe: <mailto:stop@example.com?subject=Stop%20now>');
    expect(head).not.toContain('List-Unsubscribe-Post');
  });

  it.each([
    [{ oneClick: true, mailto: 'a@example.com' }, /oneClick needs an https url/],
    [{ url: 'http://example.com/u', oneClick: true }, /oneClick needs an https url/],
    [{ url: 'javascript:alert(1)' }, /must be https/],
    [{ url: 'ftp://example.com/u' }, /must be https/],
    [{ url: '/relative' }, /not an absolute URL/],
    [{ url: 'https://user:pw@example.com/u' }, /user name or password/],
    [{ mailto: 'a@example.com>, <https://evil.example' }, /not a plain address/],
    [{ mailto: 'Name <a@example.com>' }, /not a plain address/],
    [{}, /give a url, a mailto, or both/],
    [{ url: 'https://example.com', extra: 1 }, /unknown field "extra"/],
    [{ url: `https://example.com/${'a'.repeat(1000)}` }, /over 900 characters/],
  ])('%# refuses %o with a TypeError that says what to do', (listUnsubscribe, message) => {
    expect(() => new EmailMessage({ ...base, listUnsubscribe: listUnsubscribe as never })).toThrow(message);
  });

  it.each([
    { url: 'https://example.com/u\r\nBcc: victim@example.org' },
    { mailto: 'a@example.com\nBcc: victim@example.org' },
    { url: 'https://example.com/u\u2028X: y' },
  ])('refuses a line break in %o (BadHeaderError), also when set after construction', (target) => {
    expect(() => new EmailMessage({ ...base, listUnsubscribe: target })).toThrow(BadHeaderError);
    const m = new EmailMessage(base);
    m.listUnsubscribe = target;
    expect(() => m.message()).toThrow(BadHeaderError);
  });

  it('keeps brackets and commas inside a url from ending the target', async () => {
    const head = await headersOf(
      new EmailMessage({ ...base, listUnsubscribe: { url: 'https://example.com/u?a=<x>,<https://evil.example>' } }),
    );
    const value = /List-Unsubscribe: (.*)/.exec(head)?.[1] ?? '';
    expect(value.match(/</g)).toHaveLength(1);
    expect(value).not.toContain(',');
    expect(value).toBe('<https://example.com/u?a=%3Cx%3E%2C%3Chttps://evil.example%3E>');
  });

  it('refuses setting it both ways (headers and listUnsubscribe)', () => {
    const m = new EmailMessage({
      ...base,
      headers: { 'List-Unsubscribe': '<https://a.example>' },
      listUnsubscribe: { url: 'https://example.com' },
    });
    expect(() => m.message()).toThrow(/not both/);
  });

  it('is signed by DKIM: both fields in h=, and the signature verifies', async () => {
    const key = rsaKey('lu');
    const backend = new BytesBackend({ dkim: dkimOption(key, { headerFieldNames: 'From:Subject' }) });
    const m = new EmailMessage({ ...base, listUnsubscribe: { url: 'https://example.com/u/1', oneClick: true } });
    await backend.sendMessages([m]);
    const raw = backend.raw[0];
    const h = /h=([^;]+);/.exec(raw.toString('latin1').replace(/\r\n\s+/g, ''))?.[1].split(':');
    expect(h).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from']));
    expect(await mailauthVerdicts(raw, [key])).toEqual(['pass']);
    if (hasDkimpy) expect(dkimpyVerdicts(raw, [key])).toEqual([true]);
  });
});
