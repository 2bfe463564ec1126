import { defineProject } from 'vitest/config';

// The README's demo command runs demo.mjs against the built packages; so does this test (it does
// not extend the root config, so the "@mail/source" condition is off).
export default defineProject({
  test: { name: 'example-demo', include: ['test/**/*.test.ts'] },
});
