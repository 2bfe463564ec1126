import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// A unit test of the loader's source: loadBackend and userConditions are internals (not exported).
import { loadBackend } from '../../src/backends/load-backend.js';
import { userConditions } from '../../src/backends/resolve-package.js';
import { BackendImportError } from '../../src/errors.js';
import { backendSource, fixtureDir } from '../support/fixture-dir.js';

const marker = (cls: unknown) => (cls as { marker?: string }).marker;

let root: ReturnType<typeof fixtureDir>;
const savedCwd = process.cwd();
const savedEntry = process.argv[1];
const savedAgent = process.env.npm_config_user_agent;

beforeAll(() => {
  root = fixtureDir({
    // ESM-only: require.resolve() would refuse it (no "require" condition).
    'app/node_modules/esm-only-backend/package.json': {
      name: 'esm-only-backend',
      type: 'module',
      exports: { '.': { import: './dist/index.js' } },
    },
    'app/node_modules/esm-only-backend/dist/index.js': backendSource('esm-only', 'esm'),
    // CommonJS, "main" without extension, named export.
    'app/node_modules/cjs-backend/package.json': { name: 'cjs-backend', main: 'lib/main' },
    'app/node_modules/cjs-backend/lib/main.js': backendSource('cjs-named', 'cjs'),
    // CommonJS, module.exports = class.
    'app/node_modules/cjs-default-backend/package.json': { name: 'cjs-default-backend' },
    'app/node_modules/cjs-default-backend/index.js': backendSource('cjs-default', 'cjs', 'default'),
    // Transpiled CommonJS: exports.default = class, __esModule.
    'app/node_modules/transpiled-backend/package.json': { name: 'transpiled-backend', main: './index.cjs' },
    'app/node_modules/transpiled-backend/index.cjs': `${backendSource('transpiled', 'cjs', 'Impl')}Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = Impl;\n`,
    // Scoped, with subpaths, a pattern and conditions.
    'app/node_modules/@acme/mail/package.json': {
      name: '@acme/mail',
      type: 'module',
      exports: {
        '.': { types: './x.d.ts', import: './root.js', require: './root.cjs' },
        './extra': { node: { import: './extra.mjs', require: './extra.cjs' } },
        './flavours/*': './flavours/*.js',
        './package.json': './package.json',
      },
    },
    'app/node_modules/@acme/mail/root.js':
      backendSource('acme-root', 'esm') + backendSource('acme-named', 'esm', 'Other'),
    'app/node_modules/@acme/mail/root.cjs': backendSource('acme-root-cjs', 'cjs'),
    'app/node_modules/@acme/mail/extra.mjs': backendSource('acme-extra', 'esm', 'default'),
    'app/node_modules/@acme/mail/extra.cjs': backendSource('acme-extra-cjs', 'cjs', 'default'),
    'app/node_modules/@acme/mail/flavours/blue.js': backendSource('acme-blue', 'esm'),
    // Stands in for an installed @mail/backend-dummy, to test the aliases.
    'app/node_modules/@mail/backend-dummy/package.json': {
      name: '@mail/backend-dummy',
      type: 'module',
      exports: './index.js',
    },
    'app/node_modules/@mail/backend-dummy/index.js': backendSource('fake-dummy', 'esm'),
    // A custom export condition first, as a monorepo maps its sources.
    'app/node_modules/conditional-backend/package.json': {
      name: 'conditional-backend',
      type: 'module',
      exports: { '.': { 'acme-source': './source.js', import: './built.js' } },
    },
    'app/node_modules/conditional-backend/source.js': backendSource('conditional-source', 'esm'),
    'app/node_modules/conditional-backend/built.js': backendSource('conditional-built', 'esm'),
    'app/node_modules/not-a-backend/package.json': { name: 'not-a-backend', type: 'module', main: 'index.js' },
    'app/node_modules/not-a-backend/index.js':
      'export const EmailBackend = { sendMessages() {} };\nexport function helper() {}\nexport default 42;\n',
    'app/node_modules/throws-on-import/package.json': { name: 'throws-on-import', type: 'module', main: 'index.js' },
    'app/node_modules/throws-on-import/index.js': "throw new Error('broken at import');\n",
    'app/backends/local.mjs': backendSource('local-relative', 'esm'),
    'app/backends/named.mjs': backendSource('local-named', 'esm', 'MyBackend'),
    'app/backends/plain.cjs': backendSource('local-cjs', 'cjs'),
    // Only reachable from the entry script's directory.
    'tool/node_modules/entry-only-backend/package.json': { name: 'entry-only-backend', main: 'index.js' },
    'tool/node_modules/entry-only-backend/index.js': backendSource('entry-only', 'cjs'),
    'tool/bin/cli.js': '',
    'app/node_modules/shadowed-backend/package.json': { name: 'shadowed-backend', main: 'index.js' },
    'app/node_modules/shadowed-backend/index.js': backendSource('shadowed-in-cwd', 'cjs'),
    'tool/node_modules/shadowed-backend/package.json': { name: 'shadowed-backend', main: 'main.js' },
    'tool/node_modules/shadowed-backend/main.js': backendSource('shadowed-in-entry-dir', 'cjs'),
  });
  process.chdir(path.join(root.dir, 'app'));
});

afterEach(() => {
  process.chdir(path.join(root.dir, 'app'));
  process.argv[1] = savedEntry!;
  if (savedAgent === undefined) delete process.env.npm_config_user_agent;
  else process.env.npm_config_user_agent = savedAgent;
});

afterAll(() => {
  process.chdir(savedCwd);
  root.remove();
});

async function importError(spec: string): Promise<BackendImportError> {
  try {
    await loadBackend(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(BackendImportError);
    expect((error as BackendImportError).code).toBe('MAIL_BACKEND_IMPORT');
    return error as BackendImportError;
  }
  throw new Error(`loadBackend(${spec}) did not fail`);
}

describe('package specifiers', () => {
  it.each([
    ['esm-only-backend', 'esm-only'],
    ['cjs-backend', 'cjs-named'],
    ['cjs-default-backend', 'cjs-default'],
    ['transpiled-backend', 'transpiled'],
    ['@acme/mail', 'acme-root'],
    ['@acme/mail#Other', 'acme-named'],
    ['@acme/mail/extra', 'acme-extra'],
    ['@acme/mail/flavours/blue', 'acme-blue'],
  ])('%s loads the class from the user directory (%s)', async (spec, expected) => {
    expect(marker(await loadBackend(spec))).toBe(expected);
  });

  it('an alias names the @mail/backend-* package, found from the user directory', async () => {
    expect(marker(await loadBackend('dummy'))).toBe('fake-dummy');
  });

  it('from the workspace, an alias loads the very module the public entry point gives (one copy)', async () => {
    // The workspace's node_modules/@mail/backend-dummy is a symlink; with the test run's
    // conditions (the sources, or dist/ under MAIL_TEST_DIST=1) it is the module tests import.
    process.chdir(savedCwd);
    const { EmailBackend } = await import('@mail/backend-dummy');
    expect(await loadBackend('dummy')).toBe(EmailBackend);
  });

  it('honours the conditions Node was started with (--conditions, -C, NODE_OPTIONS), as import() does', async () => {
    const saved = process.env.NODE_OPTIONS;
    try {
      delete process.env.NODE_OPTIONS;
      expect(marker(await loadBackend('conditional-backend'))).toBe('conditional-built');
      process.env.NODE_OPTIONS = '--max-old-space-size=512 -C acme-source';
      expect(marker(await loadBackend('conditional-backend'))).toBe('conditional-source');
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
    expect(
      userConditions(['--conditions=a', '--conditions', 'b', '-C', 'c', '-C=d', '--inspect'], '--conditions=e'),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('falls back to the entry script directory', async () => {
    process.chdir(root.dir);
    process.argv[1] = path.join(root.dir, 'tool/bin/cli.js');
    expect(marker(await loadBackend('entry-only-backend'))).toBe('entry-only');
  });

  it('the current directory comes first', async () => {
    process.argv[1] = path.join(root.dir, 'tool/bin/cli.js');
    expect(marker(await loadBackend('shadowed-backend'))).toBe('shadowed-in-cwd');
    process.chdir(root.dir);
    expect(marker(await loadBackend('shadowed-backend'))).toBe('shadowed-in-entry-dir');
  });

  it('a missing package names it, where it looked and the install command', async () => {
    process.env.npm_config_user_agent = 'pnpm/10.34.9 npm/? node/v20.20.2 linux x64';
    const error = await importError('missing-mail-backend');
    expect(error.message).toContain('"missing-mail-backend"');
    expect(error.message).toContain(path.join(root.dir, 'app'));
    expect(error.message).toContain('`pnpm add missing-mail-backend`');
    process.env.npm_config_user_agent = 'npm/11.0.0 node/v20.20.2 linux x64';
    expect((await importError('@mail/backend-nowhere#EmailBackend')).message).toContain(
      '`npm install @mail/backend-nowhere`',
    );
  });

  it('an unexported subpath says so', async () => {
    expect((await importError('@acme/mail/secret')).message).toMatch(
      /"\.\/secret" is not exported by .*@acme\/mail\/package\.json/,
    );
  });

  it('a module without a backend class says what it exports', async () => {
    const error = await importError('not-a-backend');
    expect(error.message).toContain('"not-a-backend" has no backend class');
    expect(error.message).toMatch(/It exports: .*EmailBackend \(object\).*helper \(function\)/);
    expect(error.message).toMatch(/default \(number\)/);
    expect((await importError('@acme/mail#Nope')).message).toMatch(/an export named "Nope"/);
  });

  it('a module that throws while importing keeps the cause', async () => {
    const error = await importError('throws-on-import');
    expect(error.message).toMatch(/"throws-on-import" .*failed to import: broken at import/);
    expect((error.cause as Error).message).toBe('broken at import');
  });
});

describe('paths and file: URLs', () => {
  it('a relative path resolves from the current directory', async () => {
    expect(marker(await loadBackend('./backends/local.mjs'))).toBe('local-relative');
    process.chdir(path.join(root.dir, 'app/backends'));
    expect(marker(await loadBackend('../backends/local.mjs'))).toBe('local-relative');
  });

  it('takes #ExportName, a CommonJS file, an absolute path and a file: URL', async () => {
    expect(marker(await loadBackend('./backends/named.mjs#MyBackend'))).toBe('local-named');
    expect(marker(await loadBackend('./backends/plain.cjs'))).toBe('local-cjs');
    const absolute = path.join(root.dir, 'app/backends/local.mjs');
    expect(marker(await loadBackend(absolute))).toBe('local-relative');
    expect(marker(await loadBackend(pathToFileURL(absolute).href))).toBe('local-relative');
    expect(
      marker(await loadBackend(`${pathToFileURL(path.join(root.dir, 'app/backends/named.mjs')).href}#MyBackend`)),
    ).toBe('local-named');
  });

  it('a missing file names the path and where relative paths resolve from', async () => {
    const error = await importError('./backends/nope.js');
    expect(error.message).toContain(path.join(root.dir, 'app/backends/nope.js'));
    expect(error.message).toContain('relative paths resolve from the current directory');
    expect((await importError('file:///nonexistent/backend.js')).message).toContain('/nonexistent/backend.js');
  });

  it('a named export that is missing lists what the module has', async () => {
    expect((await importError('./backends/named.mjs#EmailBackend')).message).toMatch(
      /It exports: MyBackend \(backend class\)/,
    );
  });
});

describe('classes', () => {
  it('takes a class as is, and refuses a function that is not a backend', async () => {
    class Duck {
      async open() {
        return false;
      }
      async close() {}
      async sendMessages() {
        return 0;
      }
    }
    expect(await loadBackend(Duck as never)).toBe(Duck);
    await expect(loadBackend((() => 1) as never)).rejects.toBeInstanceOf(BackendImportError);
    await expect(loadBackend(class NotOne {} as never)).rejects.toThrow(/NotOne is not an email backend class/);
  });

  it('refuses what is neither a string nor a class with a TypeError', async () => {
    await expect(loadBackend(42 as never)).rejects.toThrow(TypeError);
    await expect(loadBackend('  ' as never)).rejects.toThrow(TypeError);
  });
});
