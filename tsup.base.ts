import type { Options } from 'tsup';

/**
 * The one tsup configuration every package shares: ESM + CJS + .d.ts for Node 20 (both builds
 * kept on purpose: docs/decisions.md, "ESM and CJS side by side"). `entry` names each output
 * (`{ index: 'src/index.ts' }` gives dist/index.js, .cjs, .d.ts and .d.cts).
 */
export function packageConfig(entry: Record<string, string>, extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    shims: true,
    ...extra,
  };
}
