// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { maskUrl, parseEmailUrl } from '../../src/settings/email-url.js';
import { configure, getSettings, resetSettings } from '../../src/settings.js';
import { isolateSettings } from '../support/env.js';

isolateSettings(resetSettings);

describe('parseEmailUrl', () => {
  it('reads an smtp URL, percent-decoding user and password; tls=true is STARTTLS', () => {
    expect(parseEmailUrl('smtp://us%40er:p%3Ass%2Fw%40rd@mail.example.com:587?tls=true', 'EMAIL_URL')).toEqual({
      emailBackend: 'smtp',
      emailHost: 'mail.example.com',
      emailPort: 587,
      emailHostUser: 'us@er',
      emailHostPassword: 'p:ss/w@rd',
      emailUseTls: true,
      emailUseSsl: false,
    });
  });

  it('defaults an smtp URL to port 25 and plaintext, an smtps URL to 465 and implicit TLS', () => {
    expect(parseEmailUrl('smtp://mx.example', 'emailUrl')).toMatchObject({
      emailPort: 25,
      emailUseTls: false,
      emailUseSsl: false,
      emailHostUser: '',
    });
    expect(parseEmailUrl('smtps://u:p@mx.example', 'emailUrl')).toMatchObject({
      emailPort: 465,
      emailUseSsl: true,
      emailUseTls: false,
    });
    expect(parseEmailUrl('smtp://mx.example?ssl=1&timeout=7.5', 'emailUrl')).toMatchObject({
      emailUseSsl: true,
      emailTimeout: 7.5,
    });
    expect(parseEmailUrl('smtp://[::1]:2525', 'emailUrl')).toMatchObject({ emailHost: '::1', emailPort: 2525 });
  });

  it('reads the other backends', () => {
    expect(parseEmailUrl('console:', 'emailUrl')).toEqual({ emailBackend: 'console' });
    expect(parseEmailUrl('locmem:', 'emailUrl')).toEqual({ emailBackend: 'locmem' });
    expect(parseEmailUrl('dummy:', 'emailUrl')).toEqual({ emailBackend: 'dummy' });
    // The queue backend reads the rest of its URL (Redis, queue name, deliverWith) itself.
    expect(parseEmailUrl('queue://localhost:6379/mail?deliverWith=smtp', 'emailUrl')).toEqual({
      emailBackend: 'queue',
    });
    expect(parseEmailUrl('file:///var/mail/out%20box', 'emailUrl')).toEqual({
      emailBackend: 'file',
      emailFilePath: '/var/mail/out box',
    });
  });

  it.each([
    ['smtp://mx.example?tsl=true', /unknown parameter "tsl"/],
    ['smtp://mx.example?tls=yes', /tls="yes"/],
    ['smtp://mx.example?timeout=0', /timeout/],
    ['smtp://', /no host/],
    ['console:?x=1', /takes no parameters/],
    ['imap://mx.example', /unknown scheme "imap:"/],
    ['mx.example', /not a valid URL/],
  ])('refuses %s, naming the source', (url, message) => {
    expect(() => parseEmailUrl(url, 'EMAIL_URL')).toThrow(ConfigurationError);
    expect(() => parseEmailUrl(url, 'EMAIL_URL')).toThrow(message);
    expect(() => parseEmailUrl(url, 'EMAIL_URL')).toThrow(/^EMAIL_URL/);
  });

  it('never shows the password in its errors', () => {
    for (const url of [
      'smtp://user:hunter2@mx.example?bogus=1',
      'smtp://user:hunter2@mx.example:99999',
      'smtp://user:%E0%A4%A@mx.example',
      'smtp:user:hunter2@mx.example',
      'smtp:/user:hunter2@mx.example',
      'user:hunter2@mx.example',
    ]) {
      let error: unknown;
      try {
        parseEmailUrl(url, 'EMAIL_URL');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      const shown = inspect(error, { depth: 10 });
      expect(shown).not.toContain('hunter2');
      expect(shown).not.toContain('%E0%A4%A');
    }
  });

  it('masks the whole user info, up to the last @, even in a malformed URL', () => {
    expect(maskUrl('smtp://u:p@ss@host:25')).toBe('smtp://****@host:25');
    expect(maskUrl('smtp:user:secret@host')).toBe('smtp:****@host');
    expect(maskUrl('smtp:/user:secret@host')).toBe('smtp:/****@host');
    expect(maskUrl('user:secret@host')).toBe('user:****@host');
    expect(maskUrl('smtp://host:25')).toBe('smtp://host:25');
    expect(maskUrl('console:')).toBe('console:');
    // No "@" at all: a password typed without a host is still hidden.
    expect(maskUrl('smtp://user:secret')).toBe('smtp://user:****');
    expect(maskUrl('smtp://user:sec/ret?x=1')).toBe('smtp://user:****');
    expect(maskUrl('smtp://host:587/?tls=true')).toBe('smtp://host:587/?tls=true');
  });
});

describe('emailUrl in the layers', () => {
  it('wins over the individual settings it covers within one layer', () => {
    process.env.EMAIL_HOST = 'env-host.example';
    process.env.EMAIL_PORT = '2525';
    process.env.EMAIL_URL = 'smtps://bob:s3cret@url-host.example';
    const s = getSettings();
    expect([s.emailBackend, s.emailHost, s.emailPort, s.emailHostUser, s.emailHostPassword, s.emailUseSsl]).toEqual([
      'smtp',
      'url-host.example',
      465,
      'bob',
      's3cret',
      true,
    ]);
    configure({ emailUrl: 'smtp://other.example:26', emailHost: 'ignored.example' });
    expect([getSettings().emailHost, getSettings().emailPort, getSettings().emailUseSsl]).toEqual([
      'other.example',
      26,
      false,
    ]);
  });

  it('keeps the layers in order: configure() beats an EMAIL_URL from the environment', () => {
    process.env.EMAIL_URL = 'smtp://u:p@url-host.example:587?tls=true';
    configure({ emailHost: 'configured.example' });
    const s = getSettings();
    expect([s.emailHost, s.emailPort, s.emailUseTls, s.emailHostUser]).toEqual(['configured.example', 587, true, 'u']);
  });

  it('a configured URL beats environment variables', () => {
    process.env.EMAIL_HOST = 'env.example';
    process.env.EMAIL_BACKEND = 'smtp';
    configure({ emailUrl: 'file:///tmp/outbox' });
    const s = getSettings();
    expect([s.emailBackend, s.emailFilePath, s.emailHost]).toEqual(['file', '/tmp/outbox', 'env.example']);
  });
});

describe('passwords never show', () => {
  it('are masked by util.inspect and JSON.stringify of the settings, yet readable', () => {
    configure({
      emailHostPassword: 'pa55word-clear',
      emailUrl: 'smtp://user:url-pa55@mx.example',
      mailers: {
        default: { options: { host: 'h', password: 'mailer-pa55', pwd: 'typo-pa55', tlsOptions: { key: 'pa55-key' } } },
      },
    });
    const s = getSettings();
    expect(s.emailHostPassword).toBe('url-pa55'); // the URL wins within the layer
    configure({ emailUrl: null });
    const t = getSettings();
    expect(t.emailHostPassword).toBe('pa55word-clear');
    for (const settings of [s, t]) {
      const shown = [inspect(settings, { depth: 10 }), JSON.stringify(settings), String(Object.keys(settings))];
      for (const text of shown) expect(text).not.toMatch(/pa55/);
      // A spread copies the enumerable settings: the host password and URL are not among them
      // (the mailers' options are the caller's own object and come along as given).
      const { mailers: _, ...rest } = settings;
      expect(JSON.stringify(rest)).not.toMatch(/pa55/);
      expect(inspect(settings)).toContain('emailHost');
      expect(inspect(settings, { depth: 10 })).toMatch(/host: 'h'/); // what is not secret still shows
    }
    expect(JSON.parse(JSON.stringify(t)).emailHostPassword).toBe('********');
  });

  it('are not echoed by a wrong-type error', () => {
    expect(() => configure({ emailHostPassword: 12345678 } as never)).toThrow(
      /"emailHostPassword" must be a string; got a number/,
    );
    expect(() => configure({ emailHostPassword: 12345678 } as never)).not.toThrow(/12345678/);
    expect(() => configure({ emailUrl: 'smtp://u:pa55@mx?nope=1' })).not.toThrow(/pa55/);
  });
});
