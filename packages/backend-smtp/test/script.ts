import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const packages = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `entry` (under test/fixtures) bundled into one runnable .mjs, @mail/* from their sources (as
 * vitest runs them), or left to node_modules with MAIL_TEST_DIST=1; other packages stay external.
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
    packages: 'external',
    logLevel: 'silent',
    plugins: [
      {
        name: 'mail-sources',
        setup(b) {
          b.onResolve({ filter: /^@mail\/(core|backend-[a-z]+)$/ }, ({ path }) =>
            dist ? { external: true } : { path: `${packages}${path.slice('@mail/'.length)}/src/index.ts` },
          );
        },
      },
    ],
  });
  return outfile;
}
