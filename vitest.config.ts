import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// By default tests run against the sources (no build needed while developing).
// MAIL_TEST_DIST=1 runs the same tests against the built packages, as users get them
// (CI does that under Node 22 and 24).
const alias = process.env.MAIL_TEST_DIST === '1'
  ? []
  : [
      { find: /^@mail\/core$/, replacement: root('./packages/core/src/index.ts') },
      { find: /^@mail\/(backend-[a-z]+)$/, replacement: root('./packages/$1/src/index.ts') },
      { find: /^@mail\/testing$/, replacement: root('./packages/testing/src/index.ts') },
      { find: /^@mail\/testing\/vitest$/, replacement: root('./packages/testing/src/vitest.ts') },
      { find: /^@mail\/testing\/conformance$/, replacement: root('./packages/testing/src/conformance/index.ts') },
    ];

const pkg = (name: string) => ({
  extends: true as const,
  test: { name, root: root(`./packages/${name}`), include: ['test/**/*.test.ts'] },
});

export default defineConfig({
  resolve: { alias },
  test: {
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
      pkg('testing'),
      'examples/*/vitest.config.ts',
    ],
  },
});
