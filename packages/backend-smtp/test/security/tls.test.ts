/**
 * TLS: `useTls` against a server that hides STARTTLS refuses to send — no AUTH, no
 * MAIL, credentials never cross in plaintext; a certificate that does not verify (unknown CA,
 * wrong host name) is an error unless the user opts out explicitly with
 * `tlsOptions: { rejectUnauthorized: false }`; implicit TLS works with the trusted CA.
 */
import { EmailBackend } from '@mail/backend-smtp';
import { SendError } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { fixedMessage, rejectionOf } from './support.js';

const AUTH = { username: 'tls-user', password: 'tls-Secret-9f3a' };

describe('TLS downgrade and certificate checks', () => {
  it('useTls against a server that hides STARTTLS sends nothing: no AUTH, no MAIL', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls', hideStartTls: true, auth: AUTH });
    const options = { ...smtp.backendOptions(), useTls: true, timeout: 2 };
    const backend = new EmailBackend(options);
    const error = await rejectionOf(() => backend.sendMessages([fixedMessage()]));
    expect(error).toBeInstanceOf(SendError);
    expect((error as Error).message).toMatch(/STARTTLS/i);
    expect(smtp.events.filter((e) => e.type === 'auth' || e.type === 'mail' || e.type === 'rcpt')).toEqual([]);
    expect(smtp.messages).toHaveLength(0);
    // The connection was made (so the refusal is the client's, after reading EHLO).
    expect(smtp.connections).toBeGreaterThan(0);
  });

  it('useTls with STARTTLS offered upgrades before AUTH and MAIL', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls', auth: AUTH });
    const backend = new EmailBackend(smtp.backendOptions());
    expect(await backend.sendMessages([fixedMessage()])).toBe(1);
    expect(smtp.messages[0]!.secure).toBe(true);
    const kinds = smtp.events.map((e) => e.type);
    expect(kinds.indexOf('secure')).toBeGreaterThan(-1);
    expect(kinds.indexOf('secure')).toBeLessThan(kinds.indexOf('auth'));
    expect(kinds.indexOf('auth')).toBeLessThan(kinds.indexOf('mail'));
  });

  it('STARTTLS with a certificate from an unknown CA is an error; nothing is sent', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls', auth: AUTH });
    const { tlsOptions: _trusted, ...options } = smtp.backendOptions();
    const error = await rejectionOf(() => new EmailBackend({ ...options, timeout: 2 }).sendMessages([fixedMessage()]));
    expect(error).toBeInstanceOf(SendError);
    expect(smtp.events.filter((e) => e.type === 'auth' || e.type === 'mail')).toEqual([]);
    expect(smtp.messages).toHaveLength(0);
  });

  it('a certificate for another host name is an error even with the right CA', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls' });
    const options = smtp.backendOptions();
    const error = await rejectionOf(() =>
      new EmailBackend({
        ...options,
        timeout: 2,
        tlsOptions: { ...options.tlsOptions, servername: 'mail.other.example' },
      }).sendMessages([fixedMessage()]),
    );
    expect(error).toBeInstanceOf(SendError);
    expect(smtp.messages).toHaveLength(0);
  });

  it('an unverified certificate is accepted only with an explicit rejectUnauthorized: false', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls' });
    const { tlsOptions: _trusted, ...options } = smtp.backendOptions();
    const backend = new EmailBackend({ ...options, tlsOptions: { rejectUnauthorized: false } });
    expect(await backend.sendMessages([fixedMessage()])).toBe(1);
    expect(smtp.messages[0]!.secure).toBe(true);
  });

  it('implicit TLS works with the trusted CA and fails without it', async () => {
    await using smtp = await startSmtpServer({ tls: 'implicit', auth: AUTH });
    expect(await new EmailBackend(smtp.backendOptions()).sendMessages([fixedMessage()])).toBe(1);
    expect(smtp.messages[0]!.secure).toBe(true);
    const { tlsOptions: _trusted, ...untrusted } = smtp.backendOptions();
    const error = await rejectionOf(() =>
      new EmailBackend({ ...untrusted, timeout: 2 }).sendMessages([fixedMessage()]),
    );
    expect(error).toBeInstanceOf(SendError);
    expect(smtp.messages).toHaveLength(1);
  });

  it('useSsl against a plaintext server is an error, never a silent fallback to plaintext', async () => {
    await using smtp = await startSmtpServer({ auth: AUTH });
    const error = await rejectionOf(() =>
      new EmailBackend({ ...smtp.backendOptions(), useSsl: true, timeout: 1 }).sendMessages([fixedMessage()]),
    );
    expect(error).toBeInstanceOf(SendError);
    expect(smtp.events.filter((e) => e.type === 'auth' || e.type === 'mail')).toEqual([]);
    expect(smtp.messages).toHaveLength(0);
  });
});
