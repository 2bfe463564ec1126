import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(`${packageDir}/dist/index.js`) && existsSync(`${packageDir}/dist/index.cjs`);

// The ESM and CJS builds of the package, loaded side by side in one process, share one outbox.
describe.skipIf(!built)('outbox with ESM and CJS copies loaded (built package)', () => {
  it('is the same array', () => {
    const script = `
      const { createRequire } = require('node:module');
      const req = createRequire(${JSON.stringify(`${packageDir}/package.json`)});
      const cjs = req('./dist/index.cjs');
      import(${JSON.stringify(`${packageDir}/dist/index.js`)}).then((esm) => {
        cjs.outbox.push('x');
        console.log(JSON.stringify({ same: esm.outbox === cjs.outbox, length: esm.outbox.length, classesDiffer: esm.EmailBackend !== cjs.EmailBackend }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: packageDir, encoding: 'utf8' }));
    expect(out).toEqual({ same: true, length: 1, classesDiffer: true });
  });
});
