import * as core from '@mail/core';
import { BadHeaderError, checkHeaderName, checkHeaderValue, formatAddress, sanitizeAddress } from '@mail/core';
import { describe, expect, it } from 'vitest';

describe('the public entry point', () => {
  it('exports the API of design/API.md and the helpers, and nothing undefined', () => {
    for (const name of [
      'configure',
      'getSettings',
      'resetSettings',
      'mailers',
      'sendMail',
      'sendMassMail',
      'mailAdmins',
      'mailManagers',
      'EmailMessage',
      'EmailMultiAlternatives',
      'BaseEmailBackend',
      'getConnection',
      'MailError',
      'BadHeaderError',
      'ConfigurationError',
      'BackendImportError',
      'MailerDoesNotExist',
      'InvalidAddressError',
      'SendError',
      'checkHeaderName',
      'checkHeaderValue',
      'formatAddress',
      'sanitizeAddress',
      'envelopeOf',
    ]) {
      expect(core, name).toHaveProperty(name);
      expect((core as Record<string, unknown>)[name], name).toBeDefined();
    }
  });

  it('checkHeaderName / checkHeaderValue guard user code the way message() does', () => {
    expect(() => checkHeaderName('X-Campaign')).not.toThrow();
    expect(() => checkHeaderName('X-Evil\r\nBcc')).toThrow(BadHeaderError);
    expect(() => checkHeaderName('X Space')).toThrow(BadHeaderError);
    expect(() => checkHeaderValue('Subject', 'fine')).not.toThrow();
    for (const breaker of ['\r', '\n', '\u0085', '\u2028', '\u2029', '\0']) {
      expect(() => checkHeaderValue('Subject', `a${breaker}Bcc: x@evil.example`)).toThrow(BadHeaderError);
    }
  });

  it('formatAddress (Django: sanitize_address) encodes names and IDNA domains and refuses injection', () => {
    expect(sanitizeAddress).toBe(formatAddress);
    expect(formatAddress(['Zoë Ünïcode', 'zoe@example.com'])).toMatch(/^=\?UTF-8\?[QB]\?.+\?= <zoe@example\.com>$/);
    expect(formatAddress('ann@bücher.example')).toBe('ann@xn--bcher-kva.example');
    expect(() => formatAddress(['Evil\nBcc: x@evil.example', 'a@example.com'])).toThrow(BadHeaderError);
  });
});
