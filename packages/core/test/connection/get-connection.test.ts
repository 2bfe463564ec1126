// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BaseEmailBackend } from '../../src/backends/base-email-backend.js';
import type { PreparedMessage } from '../../src/backends/types.js';
import { connectionFor, getConnection } from '../../src/connection.js';
import { BackendImportError, ConfigurationError } from '../../src/errors.js';
import { configure, resetSettings } from '../../src/settings.js';
import { isolateSettings } from '../support/env.js';
import { backendSource, fixtureDir } from '../support/fixture-dir.js';

isolateSettings(resetSettings);

/** A backend that remembers its constructor options. */
class Remember extends BaseEmailBackend {
  static override readonly optionNames = ['username', 'password', 'host'];
  options: Record<string, unknown>;
  constructor(options: Record<string, unknown> = {}) {
    super(options);
    this.options = { ...options };
  }
  protected override async deliverOne(_m: PreparedMessage) {}
}

/** One that declares options without credentials (as the console backend does). */
class NoCredentials extends Remember {
  static override readonly optionNames = ['stream'];
}

/** One that declares nothing, so it is handed whatever is given. */
class Undeclared extends BaseEmailBackend {
  options: Record<string, unknown>;
  constructor(options: Record<string, unknown> = {}) {
    super(options);
    this.options = { ...options };
  }
}

let files: ReturnType<typeof fixtureDir>;
const cwd = process.cwd();
beforeAll(() => {
  files = fixtureDir({ 'backends/local.mjs': backendSource('local', 'esm') });
});
afterEach(() => process.chdir(cwd));
afterAll(() => files.remove());

describe('getConnection()', () => {
  it('with no backend builds the emailBackend setting, class or specifier, with the options given', async () => {
    configure({ emailBackend: Remember });
    const backend = (await getConnection(null, { failSilently: true, host: 'h' })) as Remember;
    expect(backend).toBeInstanceOf(Remember);
    expect([backend.failSilently, backend.options.host, backend.alias]).toEqual([true, 'h', null]);
    expect(await getConnection()).not.toBe(await getConnection()); // a new instance each time

    process.chdir(files.dir);
    configure({ emailBackend: './backends/local.mjs' });
    expect((await getConnection()).constructor).toHaveProperty('marker', 'local');
    process.env.EMAIL_BACKEND = path.join(files.dir, 'backends/local.mjs');
    configure({ emailBackend: undefined });
    expect((await getConnection()).constructor).toHaveProperty('marker', 'local');
  });

  it('takes a class or a specifier as its first argument', async () => {
    expect(await getConnection(Remember)).toBeInstanceOf(Remember);
    const local = await getConnection(path.join(files.dir, 'backends/local.mjs'), { x: 1 });
    expect((local as unknown as { options: unknown }).options).toEqual({ x: 1 });
  });

  it('refuses an option the backend does not take, and options that are not an object', async () => {
    await expect(getConnection(Remember, { hots: 'x' })).rejects.toThrow(ConfigurationError);
    await expect(getConnection(Remember, { hots: 'x' })).rejects.toThrow(
      /Unknown option "hots" for Remember\. Did you mean "host"\?/,
    );
    await expect(getConnection(Remember, 'x' as never)).rejects.toThrow(TypeError);
  });

  it('names a mistyped option but never shows its value (it may be a password)', async () => {
    const error = await getConnection(Remember, { pasword: 'hunter2-secret' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/Unknown option "pasword".*Did you mean "password"\?/);
    expect(inspect(error)).not.toContain('hunter2');
  });

  it('names the specifier that cannot be loaded', async () => {
    configure({ emailBackend: './nowhere/backend.js' });
    await expect(getConnection()).rejects.toThrow(BackendImportError);
    await expect(getConnection()).rejects.toThrow(/"\.\/nowhere\/backend\.js" not found/);
  });

  it('with mailers set, builds the default mailer, which wins over emailBackend and emailUrl', async () => {
    configure({
      emailBackend: Undeclared,
      emailUrl: 'console:',
      mailers: { default: { backend: Remember, options: { host: 'mailer-host' } } },
    });
    const backend = (await getConnection(null, { failSilently: true })) as Remember;
    expect(backend).toBeInstanceOf(Remember);
    expect([backend.alias, backend.options.host, backend.failSilently]).toEqual(['default', 'mailer-host', true]);
    // An explicit backend is still that backend.
    expect((await getConnection(Undeclared)).alias).toBeNull();
  });
});

describe('connectionFor()', () => {
  it('using with connection, authUser or authPassword is a TypeError that never shows the password', async () => {
    const connection = new Remember();
    configure({ mailers: { default: { backend: Remember } } });
    for (const extra of [{ connection }, { authUser: 'u' }, { authPassword: 'hunter2' }]) {
      const attempt = connectionFor({ using: 'default', ...extra });
      await expect(attempt).rejects.toThrow(TypeError);
      await expect(connectionFor({ using: 'default', ...extra })).rejects.toThrow(/"using" cannot be combined with/);
      await expect(connectionFor({ using: 'default', ...extra })).rejects.not.toThrow(/hunter2/);
    }
  });

  it('using builds a new instance of that mailer, with failSilently when given', async () => {
    configure({
      mailers: { default: { backend: Undeclared }, bulk: { backend: Remember, options: { host: 'bulk' } } },
    });
    const a = (await connectionFor({ using: 'bulk' })) as Remember;
    const b = (await connectionFor({ using: 'bulk', failSilently: true })) as Remember;
    expect(a).not.toBe(b);
    expect([a.alias, a.options.host, a.failSilently, b.failSilently]).toEqual(['bulk', 'bulk', false, true]);
  });

  it('a connection is used as given, and must be a backend', async () => {
    const connection = new Remember();
    expect(await connectionFor({ connection, failSilently: true })).toBe(connection);
    expect(connection.failSilently).toBe(false);
    await expect(connectionFor({ connection: {} as never })).rejects.toThrow(TypeError);
  });

  it('credentials go to the default backend as username/password, only when it takes them', async () => {
    configure({ emailBackend: Remember });
    const withCredentials = (await connectionFor({
      authUser: 'me',
      authPassword: 'pw',
      failSilently: true,
    })) as Remember;
    expect(withCredentials.options).toEqual({ username: 'me', password: 'pw', failSilently: true });
    const without = (await connectionFor({})) as Remember;
    expect(without.options).toEqual({});

    configure({ emailBackend: NoCredentials });
    expect(((await connectionFor({ authUser: 'me', authPassword: 'pw' })) as Remember).options).toEqual({});

    configure({ emailBackend: Undeclared });
    expect(((await connectionFor({ authUser: 'me' })) as Undeclared).options).toEqual({ username: 'me' });
  });

  it('credentials go over the default mailer options', async () => {
    configure({ mailers: { default: { backend: Remember, options: { host: 'h', username: 'mailer-user' } } } });
    const backend = (await connectionFor({ authUser: 'override' })) as Remember;
    expect(backend.options).toMatchObject({ host: 'h', username: 'override' });
    expect(backend.alias).toBe('default');
  });

  it('checks argument types', async () => {
    await expect(connectionFor({ failSilently: 'yes' as never })).rejects.toThrow(/failSilently must be a boolean/);
    await expect(connectionFor({ authPassword: 12345 as never })).rejects.toThrow(
      /authPassword must be a string; got number/,
    );
    await expect(connectionFor({ using: 7 as never })).rejects.toThrow(TypeError);
  });
});
