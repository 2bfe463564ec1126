import { ConfigurationError, configure, getSettings, resetSettings } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('defaults', () => {
  it('resolves every setting of the API table to its default', () => {
    const s = getSettings();
    expect({ ...s, emailHostPassword: s.emailHostPassword, emailUrl: s.emailUrl }).toEqual({
      emailBackend: 'smtp',
      emailHost: 'localhost',
      emailPort: 25,
      emailHostUser: '',
      emailHostPassword: '',
      emailUseTls: false,
      emailUseSsl: false,
      emailSslCertfile: null,
      emailSslKeyfile: null,
      emailTimeout: null,
      emailFilePath: null,
      defaultFromEmail: 'webmaster@localhost',
      serverEmail: 'root@localhost',
      emailSubjectPrefix: '[Mail] ',
      defaultCharset: 'utf-8',
      admins: [],
      managers: [],
      emailUseLocaltime: false,
      emailUrl: null,
      mailers: null,
      emailRetry: null,
      emailPool: false,
      emailRateLimit: null,
    });
  });

  it('returns a frozen object, so a write cannot pretend to configure', () => {
    const s = getSettings();
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => {
      (s as { emailHost: string }).emailHost = 'x';
    }).toThrow(TypeError);
  });
});

describe('configure()', () => {
  it('merges into what was configured before', () => {
    configure({ emailHost: 'smtp.example.com' });
    configure({ emailPort: 587, emailUseTls: true });
    const s = getSettings();
    expect([s.emailHost, s.emailPort, s.emailUseTls]).toEqual(['smtp.example.com', 587, true]);
  });

  it('forgets a key given as undefined, and everything on resetSettings()', () => {
    configure({ emailHost: 'a.example', emailPort: 2525 });
    configure({ emailHost: undefined });
    expect(getSettings().emailHost).toBe('localhost');
    expect(getSettings().emailPort).toBe(2525);
    resetSettings();
    expect(getSettings().emailPort).toBe(25);
  });

  it('refuses an unknown setting, naming it and suggesting the closest known one', () => {
    const error = (() => {
      try {
        configure({ emailHots: 'x' } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe('MAIL_CONFIGURATION');
    expect((error as Error).message).toMatch(/Unknown setting "emailHots"\. Did you mean "emailHost"\?/);
  });

  it('points an environment-variable name at its setting', () => {
    expect(() => configure({ EMAIL_HOST_USER: 'x' } as never)).toThrow(
      /"EMAIL_HOST_USER" is the environment variable of "emailHostUser"/,
    );
    expect(() => configure({ email_use_tls: true } as never)).toThrow(/Did you mean "emailUseTls"/);
  });

  it.each([
    ['emailPort', 'abc', /"emailPort" must be a port number/],
    ['emailPort', 0, /"emailPort" must be a port number/],
    ['emailPort', 25.5, /"emailPort"/],
    ['emailUseTls', 'yes', /"emailUseTls" must be true or false/],
    ['emailHost', 42, /"emailHost" must be a string/],
    ['emailHost', null, /"emailHost" must be a string/],
    ['emailTimeout', -1, /"emailTimeout"/],
    ['emailTimeout', '10', /"emailTimeout"/],
    ['emailFilePath', 3, /"emailFilePath" must be a string or null/],
    ['admins', 'a@example.com', /"admins" must be an array/],
    ['admins', [['Only name']], /"admins" entry 0/],
    ['managers', [42], /"managers" entry 0/],
    ['emailBackend', '', /"emailBackend"/],
    ['emailUrl', 'gopher://x', /unknown scheme "gopher:"/],
    ['mailers', [], /"mailers"/],
  ])('refuses %s = %j with an error naming the setting', (name, value, message) => {
    expect(() => configure({ [name]: value } as never)).toThrow(ConfigurationError);
    expect(() => configure({ [name]: value } as never)).toThrow(message);
  });

  it('changes nothing when one key of the call is wrong', () => {
    configure({ emailHost: 'before.example' });
    expect(() => configure({ emailHost: 'after.example', emailPort: 'abc' } as never)).toThrow(ConfigurationError);
    expect(getSettings().emailHost).toBe('before.example');
  });

  it('accepts null where the setting is nullable and keeps admins as given', () => {
    configure({ emailTimeout: 10, emailFilePath: '/tmp/x' });
    configure({
      emailTimeout: null,
      emailFilePath: null,
      admins: ['Ann <ann@example.com>', ['Bob', 'bob@example.com']],
    });
    const s = getSettings();
    expect(s.emailTimeout).toBeNull();
    expect(s.emailFilePath).toBeNull();
    expect(s.admins).toEqual(['Ann <ann@example.com>', ['Bob', 'bob@example.com']]);
  });

  it('copies arrays, so mutating what was passed does not change the settings', () => {
    const admins = ['a@example.com'];
    configure({ admins });
    admins.push('b@example.com');
    expect(getSettings().admins).toEqual(['a@example.com']);
  });

  it('takes a class as emailBackend', () => {
    class Custom {
      async open() {
        return false;
      }
      async close() {}
      async sendMessages() {
        return 0;
      }
    }
    configure({ emailBackend: Custom as never });
    expect(getSettings().emailBackend).toBe(Custom);
  });

  it('is a TypeError when not given an object', () => {
    expect(() => configure('emailHost=x' as never)).toThrow(TypeError);
  });
});

describe('the environment', () => {
  it('is read at every resolution, numbers as numbers and booleans from true/false/1/0', () => {
    process.env.EMAIL_PORT = '2525';
    process.env.EMAIL_USE_TLS = 'true';
    process.env.EMAIL_TIMEOUT = '2.5';
    expect([getSettings().emailPort, getSettings().emailUseTls, getSettings().emailTimeout]).toEqual([2525, true, 2.5]);
    process.env.EMAIL_PORT = '587';
    process.env.EMAIL_USE_TLS = '0';
    process.env.EMAIL_USE_SSL = '1';
    process.env.EMAIL_USE_LOCALTIME = 'FALSE';
    const s = getSettings();
    expect([s.emailPort, s.emailUseTls, s.emailUseSsl, s.emailUseLocaltime]).toEqual([587, false, true, false]);
  });

  it('reads every string setting', () => {
    Object.assign(process.env, {
      EMAIL_BACKEND: 'console',
      EMAIL_HOST: 'mx.example',
      EMAIL_HOST_USER: 'me',
      EMAIL_HOST_PASSWORD: 'pw',
      EMAIL_SSL_CERTFILE: '/c.pem',
      EMAIL_SSL_KEYFILE: '/k.pem',
      EMAIL_FILE_PATH: '/var/mail',
      DEFAULT_FROM_EMAIL: 'from@example.com',
      SERVER_EMAIL: 'server@example.com',
      EMAIL_SUBJECT_PREFIX: '',
      DEFAULT_CHARSET: 'iso-8859-1',
    });
    const s = getSettings();
    expect([
      s.emailBackend,
      s.emailHost,
      s.emailHostUser,
      s.emailHostPassword,
      s.emailSslCertfile,
      s.emailSslKeyfile,
    ]).toEqual(['console', 'mx.example', 'me', 'pw', '/c.pem', '/k.pem']);
    expect([s.emailFilePath, s.defaultFromEmail, s.serverEmail, s.emailSubjectPrefix, s.defaultCharset]).toEqual([
      '/var/mail',
      'from@example.com',
      'server@example.com',
      '',
      'iso-8859-1',
    ]);
  });

  it('splits ADMINS and MANAGERS on commas outside quotes and angle brackets', () => {
    process.env.ADMINS = 'Ann <ann@example.com>, "Doe, John" <john@example.com>,bob@example.com, ';
    process.env.MANAGERS = 'm@example.com';
    expect(getSettings().admins).toEqual([
      'Ann <ann@example.com>',
      '"Doe, John" <john@example.com>',
      'bob@example.com',
    ]);
    expect(getSettings().managers).toEqual(['m@example.com']);
  });

  it('treats an empty variable as unset for a number, boolean or nullable setting', () => {
    process.env.EMAIL_PORT = '';
    process.env.EMAIL_USE_TLS = ' ';
    process.env.EMAIL_FILE_PATH = '';
    expect([getSettings().emailPort, getSettings().emailUseTls, getSettings().emailFilePath]).toEqual([
      25,
      false,
      null,
    ]);
  });

  it.each([
    ['EMAIL_PORT', 'abc'],
    ['EMAIL_PORT', '70000'],
    ['EMAIL_USE_TLS', 'yes'],
    ['EMAIL_USE_LOCALTIME', 'maybe'],
    ['EMAIL_TIMEOUT', '-3'],
    ['EMAIL_URL', 'not a url'],
  ])('an invalid %s=%j is a ConfigurationError naming the variable', (name, value) => {
    process.env[name] = value;
    expect(() => getSettings()).toThrow(ConfigurationError);
    expect(() => getSettings()).toThrow(name);
  });

  it('a resolution is reused only while neither the environment nor configure() changed', () => {
    const first = getSettings();
    expect(getSettings()).toBe(first);
    process.env.EMAIL_HOST = 'changed.example';
    const second = getSettings();
    expect(second).not.toBe(first);
    expect(second.emailHost).toBe('changed.example');
    configure({ emailPort: 2525 });
    expect(getSettings()).not.toBe(second);
    expect(getSettings().emailPort).toBe(2525);
  });

  it('loses to configure()', () => {
    process.env.EMAIL_HOST = 'env.example';
    process.env.EMAIL_PORT = '2525';
    configure({ emailHost: 'configured.example' });
    expect([getSettings().emailHost, getSettings().emailPort]).toEqual(['configured.example', 2525]);
  });
});
