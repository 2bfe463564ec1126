import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The test run's one switch between the sources and the built packages: the "@mail/source"
// export condition (on by default, off under MAIL_TEST_DIST=1). Every public entry point of
// every package must resolve to the side the run claims to test.
const dist = process.env.MAIL_TEST_DIST === '1';
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

const entryPoints = readdirSync(packagesDir).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(`${packagesDir}${dir}/package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, unknown>;
  };
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => ({ dir, specifier: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}` }));
});

describe(`public entry points resolve to ${dist ? 'the built dist/' : 'the sources in src/'}`, () => {
  it('every package has its entry points listed', () => {
    expect(entryPoints.map((e) => e.specifier)).toEqual(
      expect.arrayContaining(['@mail/core', '@mail/backend-smtp', '@mail/testing', '@mail/testing/vitest']),
    );
  });

  it.each(entryPoints)('$specifier', ({ dir, specifier }) => {
    const file = fileURLToPath(import.meta.resolve(specifier));
    expect(file.startsWith(`${packagesDir}${dir}/${dist ? 'dist/' : 'src/'}`)).toBe(true);
    expect(file).toMatch(dist ? /\.js$/ : /\.ts$/);
  });

  it('the module a test imports is that file', async () => {
    const core = await import('@mail/core');
    const direct = await import(/* @vite-ignore */ import.meta.resolve('@mail/core'));
    expect(direct.EmailMessage).toBe(core.EmailMessage);
  });
});
