import { inspect } from 'node:util';
import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { eventsOf, message, rejectionOf } from './helpers.js';

const auth = { username: 'mailer', password: 'pa55-w0rd:secret' };

/** Every string an error shows: its message, its causes' messages and util.inspect of it all. */
function everythingShown(error: unknown): string {
  const parts = [inspect(error, { depth: 10, showHidden: true })];
  for (let e: any = error; e; e = e.cause) parts.push(String(e.message), String(e.stack));
  return parts.join('\n');
}

describe('smtp backend: AUTH', () => {
  it('authenticates when username and password are both set', async () => {
    await using smtp = await startSmtpServer({ auth });
    expect(await new EmailBackend(smtp.backendOptions()).sendMessages([message()])).toBe(1);
    expect(smtp.messages[0]!.user).toBe('mailer');
    expect(eventsOf(smtp.events, 'auth')).toMatchObject([{ username: 'mailer', code: 235 }]);
  });

  it('does not try AUTH when only one of username and password is set', async () => {
    await using smtp = await startSmtpServer();
    const { host, port } = smtp.backendOptions();
    expect(await new EmailBackend({ host, port, username: 'someone' }).sendMessages([message()])).toBe(1);
    expect(await new EmailBackend({ host, port, password: 'only-a-password' }).sendMessages([message()])).toBe(1);
    expect(eventsOf(smtp.events, 'auth')).toHaveLength(0);
  });

  it('a wrong password is a permanent SmtpError with the 535 reply, never showing the password', async () => {
    await using smtp = await startSmtpServer({ auth });
    const backend = new EmailBackend({ ...smtp.backendOptions(), password: 'Wr0ng-Pa55!' });
    const error = await rejectionOf(backend.sendMessages([message()]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.responseCode).toBe(535);
    expect(error.transient).toBe(false);
    expect(error.sent).toBe(0);
    expect(error.message).toMatch(/535/);
    expect(error.message).toMatch(/username and password/);
    const shown = everythingShown(error);
    for (const form of [
      'Wr0ng-Pa55!',
      Buffer.from('Wr0ng-Pa55!').toString('base64'),
      Buffer.from('\0mailer\0Wr0ng-Pa55!').toString('base64'),
    ]) {
      expect(shown).not.toContain(form);
    }
    expect(inspect(backend, { showHidden: true, depth: 5 })).not.toContain('Wr0ng-Pa55!');
    expect(JSON.stringify(backend)).not.toContain('Wr0ng-Pa55!');
    expect(backend.password).toBe('Wr0ng-Pa55!');
    expect(smtp.messages).toHaveLength(0);
    expect(eventsOf(smtp.events, 'mail')).toHaveLength(0);
  });
});

describe('smtp backend: TLS', () => {
  it('upgrades with STARTTLS when useTls is set, before AUTH and MAIL, trusting the CA from tlsOptions', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls', auth });
    const options = smtp.backendOptions();
    expect(options.useTls).toBe(true);
    expect(await new EmailBackend(options).sendMessages([message()])).toBe(1);
    expect(smtp.messages[0]!.secure).toBe(true);
    const kinds = smtp.events.map((e) => e.type);
    expect(kinds.indexOf('secure')).toBeLessThan(kinds.indexOf('auth'));
    expect(kinds.indexOf('auth')).toBeLessThan(kinds.indexOf('mail'));
  });

  it('speaks implicit TLS with useSsl', async () => {
    await using smtp = await startSmtpServer({ tls: 'implicit', auth });
    const options = smtp.backendOptions();
    expect(options.useSsl).toBe(true);
    expect(await new EmailBackend(options).sendMessages([message()])).toBe(1);
    expect(smtp.messages[0]!.secure).toBe(true);
  });

  it('useTls against a server that does not offer STARTTLS sends nothing: no AUTH, no MAIL', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls', hideStartTls: true, auth });
    const backend = new EmailBackend({ ...smtp.backendOptions(), useTls: true });
    const error = await rejectionOf(backend.sendMessages([message()]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.message).toMatch(/STARTTLS/);
    expect(error.transient).toBe(false);
    expect(eventsOf(smtp.events, 'auth')).toHaveLength(0);
    expect(eventsOf(smtp.events, 'mail')).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
    expect(everythingShown(error)).not.toContain(auth.password);
  });

  it('stays plaintext without useTls, even when the server offers STARTTLS', async () => {
    await using smtp = await startSmtpServer({ tls: 'starttls' });
    const { host, port } = smtp.backendOptions();
    const error = await rejectionOf(new EmailBackend({ host, port }).sendMessages([message()]));
    // The fixture refuses MAIL before STARTTLS (530): proof the client did not upgrade on its own.
    expect(error.responseCode).toBe(530);
    expect(eventsOf(smtp.events, 'secure')).toHaveLength(0);
  });

  it('a certificate that does not verify is an error (STARTTLS and implicit), and nothing is sent', async () => {
    for (const tls of ['starttls', 'implicit'] as const) {
      await using smtp = await startSmtpServer({ tls });
      const { tlsOptions: _trusted, ...untrusted } = smtp.backendOptions();
      const error = await rejectionOf(new EmailBackend(untrusted).sendMessages([message()]));
      expect(error).toBeInstanceOf(SmtpError);
      expect(everythingShown(error)).toMatch(/self.signed|certificate/i);
      expect(error.message).toMatch(/tlsOptions/);
      expect(error.transient).toBe(false);
      expect(eventsOf(smtp.events, 'mail')).toHaveLength(0);
    }
  });

  it('a certificate for another name does not verify either', async () => {
    await using smtp = await startSmtpServer({ tls: 'implicit' });
    const options = smtp.backendOptions();
    const error = await rejectionOf(
      new EmailBackend({
        ...options,
        tlsOptions: { ...options.tlsOptions, servername: 'mail.other.example' },
      }).sendMessages([message()]),
    );
    expect(everythingShown(error)).toMatch(/altnames|hostname|does not match/i);
  });

  it('an explicit opt-out (rejectUnauthorized: false) accepts an untrusted certificate', async () => {
    await using smtp = await startSmtpServer({ tls: 'implicit' });
    const { tlsOptions: _trusted, ...untrusted } = smtp.backendOptions();
    expect(
      await new EmailBackend({ ...untrusted, tlsOptions: { rejectUnauthorized: false } }).sendMessages([message()]),
    ).toBe(1);
  });
});
