import { configure, EmailMessage, envelopeOf, InvalidAddressError } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('envelopeOf', () => {
  it('strips display names and includes Cc and Bcc', () => {
    const message = new EmailMessage({
      fromEmail: 'Sender <from@example.com>',
      to: ['To <to@example.com>', ''],
      cc: ['cc@example.com'],
      bcc: ['Hidden <bcc@example.com>'],
    });
    expect(envelopeOf(message)).toEqual({
      from: 'from@example.com',
      to: ['to@example.com', 'cc@example.com', 'bcc@example.com'],
    });
  });

  it('uses IDNA domains', () => {
    const message = new EmailMessage({ fromEmail: 'zoe@bücher.de', to: ['Ünï <u@münchen.example>'] });
    expect(envelopeOf(message)).toEqual({ from: 'zoe@xn--bcher-kva.de', to: ['u@xn--mnchen-3ya.example'] });
  });

  it('is not changed by header overrides', () => {
    const message = new EmailMessage({
      fromEmail: 'from@example.com',
      to: ['real@example.com'],
      headers: { To: 'shown@example.com', From: 'other@example.com' },
    });
    expect(envelopeOf(message)).toEqual({ from: 'from@example.com', to: ['real@example.com'] });
  });

  it('uses defaultFromEmail when fromEmail is null', () => {
    configure({ defaultFromEmail: 'Site <site@example.com>' });
    const message = new EmailMessage({ to: ['a@example.com'] });
    message.fromEmail = null;
    expect(envelopeOf(message).from).toBe('site@example.com');
  });

  it('refuses a group: one entry is one mailbox, never a fan-out of recipients', () => {
    const message = new EmailMessage({ fromEmail: 'from@example.com', to: ['Team: a@x.example, b@y.example;'] });
    expect(() => envelopeOf(message)).toThrow(InvalidAddressError);
  });

  it('keeps a quoted local part holding an @ at the domain the header shows', async () => {
    const message = new EmailMessage({ fromEmail: 'from@example.com', to: ['"a@evil.example x"@victim.example'] });
    const envelope = envelopeOf(message);
    expect(envelope.to).toEqual(['"a@evil.example x"@victim.example']);
    expect(envelope.to[0].endsWith('@victim.example')).toBe(true);
    const text = await message.message().asString();
    expect(text).toMatch(/^To: "a@evil\.example x"@victim\.example\r$/m);
  });

  it('refuses malformed addresses with a clear InvalidAddressError', () => {
    const message = new EmailMessage({
      fromEmail: 'from@example.com',
      to: ['ok@example.com', 'a@x.example, b@y.example'],
    });
    expect(() => envelopeOf(message)).toThrow(InvalidAddressError);
    expect(() => envelopeOf(message)).toThrow(/Give each address as its own list item/);
    const noLocal = new EmailMessage({ fromEmail: '@example.com', to: ['a@example.com'] });
    expect(() => envelopeOf(noLocal)).toThrow(/fromEmail/);
  });
});
