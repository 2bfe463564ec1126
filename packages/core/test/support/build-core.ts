import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { packageConfig } from '../../../../tsup.base.js';

const coreDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Build @mail/core from the current sources with the packages' own tsup configuration (ESM and
 * CJS, no .d.ts) into a new temporary directory: a second, bundled copy of core, as users get it.
 */
export async function buildCore(): Promise<{ esm: string; cjs: string; dir: string }> {
  // Inside core's node_modules, so the bundle finds core's own dependencies (nodemailer) as
  // the published package does.
  const cache = path.join(coreDir, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'mail-core-dist-'));
  const manifest = createRequire(import.meta.url)('../../package.json') as { dependencies: Record<string, string> };
  await build({
    ...packageConfig({ index: path.join(coreDir, 'src/index.ts') }),
    // As the real build: dependencies stay external (tsup reads them from the cwd's package.json).
    external: Object.keys(manifest.dependencies).flatMap((name) => [name, new RegExp(`^${name}/`)]),
    outDir: dir,
    dts: false,
    sourcemap: false,
    silent: true,
    config: false,
  });
  return { dir, esm: path.join(dir, 'index.js'), cjs: path.join(dir, 'index.cjs') };
}
