import { defineProject } from 'vitest/config';

// Runs against the built @mail packages from node_modules, as a user's project would
// (`pnpm build` first); it does not extend the root config, so
// the "@mail/source" condition is off.
export default defineProject({
  test: { name: 'example-opentelemetry', include: ['test/**/*.test.ts'] },
});
