/**
 * The staging sandbox: redirectTo rewrites the envelope and To/Cc and shows the originals in
 * X-Original-To / X-Original-Cc, never Bcc; allowedRecipients drops other recipients from the
 * envelope, and a message left with none is not sent and not counted.
 */

import { BaseEmailBackend, ConfigurationError, EmailMessage, type PreparedMessage } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

class EnvelopeBackend extends BaseEmailBackend {
  readonly got: { to: string[]; raw: Buffer }[] = [];
  protected override async deliverOne({ envelope, mime }: PreparedMessage): Promise<void> {
    this.got.push({ to: envelope.to, raw: await mime.asBytes() });
  }
}

const customer = () =>
  new EmailMessage({
    subject: 'Your order',
    body: 'Thanks',
    fromEmail: 'shop@example.com',
    to: ['Zoë Client <zoe@customer.example>', 'ops@example.com'],
    cc: ['boss@customer.example'],
    bcc: ['secret-audit@example.com'],
  });

describe('redirectTo', () => {
  it('sends only to the redirect addresses, originals in X-Original-To/Cc, Bcc nowhere', async () => {
    const backend = new EnvelopeBackend({ redirectTo: ['qa@example.com', 'QA Two <qa2@example.com>'] });
    const message = customer();
    expect(await backend.sendMessages([message])).toBe(1);
    const [{ to, raw }] = backend.got;
    expect(to).toEqual(['qa@example.com', 'qa2@example.com']);
    const parsed = await simpleParser(raw);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual([
      'qa@example.com',
      'qa2@example.com',
    ]);
    expect(parsed.cc).toBeUndefined();
    // RFC 2047: the non-ASCII display name as an encoded word, readable in any client.
    expect(parsed.headers.get('x-original-to')).toBe(
      '=?UTF-8?Q?Zo=C3=AB?= Client <zoe@customer.example>, ops@example.com',
    );
    expect(parsed.headers.get('x-original-cc')).toBe('boss@customer.example');
    expect(raw.toString('latin1')).not.toContain('secret-audit');
    // The caller's message is not changed.
    expect(message.to).toEqual(['Zoë Client <zoe@customer.example>', 'ops@example.com']);
    expect(message.headers).toEqual({});
  });

  it('a user To header is what the recipients would have seen: it goes to X-Original-To', async () => {
    const backend = new EnvelopeBackend({ redirectTo: ['qa@example.com'] });
    const m = customer();
    m.headers = { To: 'Customers <list@customer.example>', 'X-Original-To': 'forged@example.com' };
    await backend.sendMessages([m]);
    const parsed = await simpleParser(backend.got[0].raw);
    expect(parsed.headers.get('x-original-to')).toBe('Customers <list@customer.example>');
    expect(backend.got[0].raw.toString('latin1')).not.toContain('forged@example.com');
    expect(backend.got[0].raw.toString('latin1')).toMatch(/^To: qa@example\.com\r$/m);
  });
});

describe('allowedRecipients', () => {
  it('keeps exact addresses (any case) and @domains, drops the rest from the envelope only', async () => {
    const backend = new EnvelopeBackend({
      allowedRecipients: ['OPS@example.com', '@team.example', /^qa\+.*@x\.example$/],
    });
    const m = new EmailMessage({
      to: ['ops@example.com', 'a@team.example', 'qa+1@x.example', 'zoe@customer.example'],
      bcc: ['b@evil-team.example', 'c@team.example.evil'],
    });
    expect(await backend.sendMessages([m])).toBe(1);
    expect(backend.got[0].to).toEqual(['ops@example.com', 'a@team.example', 'qa+1@x.example']);
  });

  it('a message left with no recipient is not sent and not counted; the batch goes on', async () => {
    const backend = new EnvelopeBackend({ allowedRecipients: ['@example.com'] });
    const outside = new EmailMessage({ subject: 'outside', to: ['zoe@customer.example'] });
    const inside = new EmailMessage({ subject: 'inside', to: ['ops@example.com'] });
    expect(await backend.sendMessages([outside, inside])).toBe(1);
    expect(backend.got.map((g) => g.to)).toEqual([['ops@example.com']]);
    expect(await backend.sendMessages([outside])).toBe(0);
  });

  it('applies after redirectTo: a redirect outside the allowed list sends nothing', async () => {
    const backend = new EnvelopeBackend({ redirectTo: ['qa@other.example'], allowedRecipients: ['@example.com'] });
    expect(await backend.sendMessages([customer()])).toBe(0);
    expect(backend.got).toEqual([]);
  });

  it.each([
    [{ redirectTo: [] }, /redirectTo must be a non-empty list/],
    [{ redirectTo: 'qa@example.com' }, /redirectTo must be a non-empty list/],
    [{ redirectTo: ['not an address <'] }, /redirectTo/],
    [{ allowedRecipients: '@example.com' }, /allowedRecipients must be a list/],
    [{ allowedRecipients: [42] }, /holds strings/],
    [{ allowedRecipients: ['@'] }, /is not '@' and a domain/],
  ])('%# refuses %o at construction', (options, message) => {
    expect(() => new EnvelopeBackend(options as never)).toThrow(ConfigurationError);
    expect(() => new EnvelopeBackend(options as never)).toThrow(message);
  });
});
