import { defineProject } from 'vitest/config';

// Runs against the built @mail packages from node_modules, as a user's project would
// (`pnpm build` first); no alias to the sources.
export default defineProject({
  resolve: { alias: [] },
  test: { name: 'example-opentelemetry', include: ['test/**/*.test.ts'] },
});
