import { defineProject } from 'vitest/config';

// Runs against the built @mail packages from node_modules, as an outside author's package
// would (`pnpm build` first); no alias to the sources.
export default defineProject({
  resolve: { alias: [] },
  test: { name: 'example-third-party-backend', include: ['test/**/*.test.ts'] },
});
