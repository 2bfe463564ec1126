import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = fileURLToPath(new URL('..', import.meta.url));

/**
 * `entry` (under test/fixtures) bundled into one runnable .mjs: @mail/* from their sources by the
 * "@mail/source" export condition, as the test run resolves them, or (MAIL_TEST_DIST=1) left to
 * the built packages in node_modules. nodemailer stays external.
 */
export async function runnable(entry: string): Promise<string> {
  mkdirSync(`${pkg}node_modules/.cache`, { recursive: true });
  const outfile = `${pkg}node_modules/.cache/${entry.replace(/\W/g, '-')}.mjs`;
  const dist = process.env.MAIL_TEST_DIST === '1';
  await build({
    entryPoints: [`${pkg}test/fixtures/${entry}`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: dist ? [] : ['@mail/source'],
    external: ['nodemailer', 'nodemailer/*', ...(dist ? ['@mail/*'] : [])],
    logLevel: 'silent',
  });
  return outfile;
}
