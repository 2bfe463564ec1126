import { defineProject } from 'vitest/config';

// The README's demo command runs demo.mjs against the built packages; so does this test.
export default defineProject({
  resolve: { alias: [] },
  test: { name: 'example-demo', include: ['test/**/*.test.ts'] },
});
