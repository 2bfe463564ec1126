import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// "Run against source" has one definition: the "@mail/source" export condition. Each package's
// "exports" maps it to its src/ entry first (tsconfig.json's customConditions does the same for
// typechecking). By default it is on, so tests import the public entry points (`@mail/core`, …)
// and get the sources, no build needed. MAIL_TEST_DIST=1 leaves it off: the very same imports
// resolve to the built dist/ files, as users get them (CI runs that on Node 22, 24 and 26).
// Node is started with the condition too, so loadBackend('smtp') (which resolves packages the
// way Node does, with the conditions Node was given) finds the same sources.
const source = process.env.MAIL_TEST_DIST === '1' ? [] : ['@mail/source'];
const conditions = [...source, 'module', 'node', 'development|production'];

const pkg = (name: string) => ({
  extends: true as const,
  test: { name, root: root(`./packages/${name}`), include: ['test/**/*.test.ts'] },
});

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    execArgv: source.map((c) => `--conditions=${c}`),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: root('./tsconfig.json') },
    projects: [
      pkg('core'),
      pkg('backend-smtp'),
      pkg('backend-console'),
      pkg('backend-file'),
      pkg('backend-locmem'),
      pkg('backend-dummy'),
      pkg('backend-queue'),
      pkg('backend-failover'),
      pkg('testing'),
      'examples/*/vitest.config.ts',
    ],
  },
});
