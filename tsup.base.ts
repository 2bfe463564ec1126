import type { Options } from 'tsup';

/** The one tsup configuration every package shares: ESM + CJS + .d.ts for Node 20. */
export function packageConfig(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}): Options {
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
