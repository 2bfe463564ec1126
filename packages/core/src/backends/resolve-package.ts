import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Export conditions of an `import()` from Node (package.json "exports"), before the user's own. */
const CONDITIONS = ['node', 'import', 'default'];

/**
 * The user conditions Node was started with (`--conditions=name`, `--conditions name`, `-C name`,
 * in the command line or NODE_OPTIONS): Node's own `import()` honours them, so the loader does too.
 */
export function userConditions(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): string[] {
  const args = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(arg);
    if (inline) found.push(inline[1]!);
    else if ((arg === '--conditions' || arg === '-C') && args[i + 1] !== undefined) found.push(args[++i]!);
  }
  return found;
}

/** `@scope/name/sub/path` → `{ name: '@scope/name', subpath: './sub/path' }`. */
export function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, count).join('/');
  const rest = parts.slice(count).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

/** The directory of package `name` as Node finds it from `fromDir` (walking up node_modules), or null. */
export function findPackageDir(name: string, fromDir: string): string | null {
  let dir = path.resolve(fromDir);
  for (;;) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Thrown (as a plain Error) when a package exists but does not export the requested subpath. */
export class SubpathNotExported extends Error {}

/**
 * The file `import('<name><subpath>')` loads, resolved against the package in `packageDir`
 * with the conditions of an ESM import (so an ESM-only package resolves, which
 * `require.resolve` would refuse). Follows "exports" (conditions, arrays, `*` patterns), else
 * "main" / index.js for the root and the file itself for a subpath.
 */
export function resolvePackageFile(packageDir: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    exports?: unknown;
    main?: string;
  };
  if (manifest.exports !== undefined && manifest.exports !== null) {
    const target = resolveExports(manifest.exports, subpath, [...userConditions(), ...CONDITIONS]);
    if (target === null)
      throw new SubpathNotExported(`"${subpath}" is not exported by ${path.join(packageDir, 'package.json')}`);
    return path.join(packageDir, target);
  }
  const base = subpath === '.' ? (manifest.main ?? 'index.js') : subpath;
  const file = probe(path.join(packageDir, base));
  if (file === null) throw new SubpathNotExported(`${path.join(packageDir, base)} does not exist`);
  return file;
}

/** A file as Node's CommonJS resolution would complete it: as is, with an extension, or its index. */
export function probe(file: string): string | null {
  const candidates = [file, `${file}.js`, `${file}.mjs`, `${file}.cjs`, path.join(file, 'index.js')];
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function resolveExports(exportsField: unknown, subpath: string, conditions: string[]): string | null {
  const map =
    typeof exportsField === 'string' ||
    Array.isArray(exportsField) ||
    !Object.keys(exportsField as object).some((k) => k.startsWith('.'))
      ? { '.': exportsField }
      : (exportsField as Record<string, unknown>);
  if (Object.hasOwn(map, subpath)) return resolveTarget(map[subpath], '', conditions);
  // Subpath patterns: the longest matching prefix wins (Node's PATTERN_KEY_COMPARE).
  let best: { key: string; star: string } | null = null;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length) {
      if (!best || prefix.length > best.key.indexOf('*'))
        best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best ? resolveTarget(map[best.key], best.star, conditions) : null;
}

function resolveTarget(target: unknown, star: string, conditions: string[]): string | null {
  if (typeof target === 'string') return target.startsWith('./') ? target.replaceAll('*', star) : null;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = resolveTarget(t, star, conditions);
      if (r !== null) return r;
    }
    return null;
  }
  if (target !== null && typeof target === 'object') {
    for (const [condition, value] of Object.entries(target)) {
      if (!conditions.includes(condition)) continue;
      const r = resolveTarget(value, star, conditions);
      if (r !== null) return r;
    }
  }
  return null;
}
