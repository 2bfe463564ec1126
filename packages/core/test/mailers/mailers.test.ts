import { BaseEmailBackend, ConfigurationError, configure, MailerDoesNotExist, mailers } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

class Configurable extends BaseEmailBackend {
  static override readonly optionNames = ['host', 'port'];
  host: string;
  port: number;
  constructor(options: { host?: string; port?: number; failSilently?: boolean } = {}) {
    super(options);
    // The convention: fall back to settingDefaults(), which for a mailer is the defaults alone.
    this.host = options.host ?? this.settingDefaults().emailHost;
    this.port = options.port ?? this.settingDefaults().emailPort;
  }
}

describe('mailers', () => {
  it('get() builds a NEW instance each call, from the entry alone, knowing its alias', async () => {
    configure({
      emailHost: 'configured.example',
      emailPort: 2525,
      mailers: { default: { backend: Configurable }, bulk: { backend: Configurable, options: { port: 587 } } },
    });
    const one = (await mailers.get('bulk')) as Configurable;
    const two = (await mailers.get('bulk')) as Configurable;
    expect(one).not.toBe(two);
    expect(one).toBeInstanceOf(Configurable);
    expect([one.alias, one.host, one.port]).toEqual(['bulk', 'localhost', 587]); // not configured.example / 2525
    const fallback = (await mailers.get('default')) as Configurable;
    expect([fallback.alias, fallback.host, fallback.port]).toEqual(['default', 'localhost', 25]);
  });

  it('get() takes overrides such as failSilently', async () => {
    configure({ mailers: { default: { backend: Configurable, options: { host: 'a' } } } });
    const backend = (await mailers.get('default', { failSilently: true, host: undefined })) as Configurable;
    expect([backend.failSilently, backend.host]).toEqual([true, 'a']);
  });

  it('has() and aliases() build nothing (a backend that cannot load is not touched)', () => {
    expect(mailers.aliases()).toEqual([]);
    expect(mailers.has('default')).toBe(false);
    configure({ mailers: { default: { backend: './does/not/exist.js' }, bulk: { backend: 'no-such-package' } } });
    expect(mailers.aliases()).toEqual(['default', 'bulk']);
    expect(mailers.has('bulk')).toBe(true);
    expect(mailers.has('nope')).toBe(false);
    expect(mailers.has('toString')).toBe(false);
  });

  it('an unknown alias is MailerDoesNotExist naming it and the known ones', async () => {
    configure({ mailers: { default: { backend: Configurable }, transactional: { backend: Configurable } } });
    const attempt = mailers.get('transactonal');
    await expect(attempt).rejects.toBeInstanceOf(MailerDoesNotExist);
    await expect(mailers.get('transactonal')).rejects.toThrow(
      /Mailer "transactonal" does not exist\. Did you mean "transactional"\? Defined mailers: default, transactional\./,
    );
    await expect(mailers.get('constructor')).rejects.toBeInstanceOf(MailerDoesNotExist);
    await expect(mailers.get('bulk')).rejects.toMatchObject({ code: 'MAIL_MAILER_DOES_NOT_EXIST' });
  });

  it('without the mailers setting, any alias is MailerDoesNotExist saying how to define it', async () => {
    await expect(mailers.get('default')).rejects.toThrow(/the "mailers" setting is not set/);
  });

  it('an unknown option in a mailer entry is a ConfigurationError naming alias and option', async () => {
    configure({
      mailers: { default: { backend: Configurable }, bulk: { backend: Configurable, options: { hostname: 'x' } } },
    });
    await expect(mailers.get('bulk')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(mailers.get('bulk')).rejects.toThrow(/Unknown option "hostname" for mailer "bulk" \(Configurable\)/);
  });

  it('the setting itself is checked by configure()', () => {
    expect(() => configure({ mailers: { bulk: { backend: 'smtp' } } })).toThrow(
      /must define a "default" mailer, the default connection \(it has: bulk\)/,
    );
    expect(() => configure({ mailers: { defualt: {} } })).toThrow(/Is "defualt" a misspelling of "default"\?/);
    expect(() => configure({ mailers: { default: { backend: 'smtp', option: {} } } as never })).toThrow(
      /Mailer "default" has an unknown key "option".*Did you mean "options"/,
    );
    expect(() => configure({ mailers: { default: { options: 'host=x' } } as never })).toThrow(
      /options that are not a plain object/,
    );
    expect(() => configure({ mailers: { default: { backend: 3 } } as never })).toThrow(
      /Mailer "default" has backend 3/,
    );
    expect(() => configure({ mailers: { default: 'smtp' } as never })).toThrow(ConfigurationError);
  });

  it('a mailer without backend is smtp', async () => {
    const { EmailBackend: SmtpBackend } = await import('@mail/backend-smtp');
    configure({ mailers: { default: { options: { host: 'smtp.example.com' } } } });
    const backend = await mailers.get('default');
    expect(backend).toBeInstanceOf(SmtpBackend);
    expect(backend.alias).toBe('default');
  });
});
