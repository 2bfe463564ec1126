import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BackendImportError } from '../errors.js';
import type { BackendConstructor } from '../settings/definitions.js';
import type { BaseEmailBackend } from './base-email-backend.js';
import {
  findPackageDir,
  probe,
  resolvePackageFile,
  SubpathNotExported,
  splitPackageSpecifier,
} from './resolve-package.js';

/**
 * A backend class: constructed with its options. A class from another copy of @mail/core
 * qualifies (it is recognised by shape, not identity).
 */
export type BackendClass<B extends BaseEmailBackend = BaseEmailBackend> = (new (
  options?: any,
) => B) & {
  /** The constructor options the backend accepts (see BaseEmailBackend.optionNames). */
  readonly optionNames?: readonly string[];
};

/** The built-in aliases and the packages they name (with `#Export` when it is not the package's `EmailBackend`). */
export const BACKEND_ALIASES: Readonly<Record<string, string>> = {
  smtp: '@mail/backend-smtp',
  console: '@mail/backend-console',
  file: '@mail/backend-file',
  locmem: '@mail/backend-locmem',
  dummy: '@mail/backend-dummy',
  queue: '@mail/backend-queue',
  failover: '@mail/backend-failover#EmailBackend',
  roundrobin: '@mail/backend-failover#RoundRobinBackend',
};

/** A function whose prototype has sendMessages, open and close: a backend class from any copy of core. */
export function isBackendClass(value: unknown): value is BackendClass {
  if (typeof value !== 'function' || value.prototype === undefined || value.prototype === null) return false;
  const proto = value.prototype as Record<string, unknown>;
  return ['sendMessages', 'open', 'close'].every((m) => typeof proto[m] === 'function');
}

/**
 * The one loader: turn what `getConnection()`/`emailBackend`/a mailer names into a backend
 * class. `spec` is a class, an alias, or a module specifier as `import()` takes it (package,
 * subpath, relative or absolute path resolved from the current directory, `file:` URL),
 * optionally followed by `#ExportName`; any other URL scheme (`data:`, `http:`, `node:`…) is
 * refused, since a backend string is code run like an import. Bare package specifiers resolve from the current
 * directory, then from the entry script's directory, then from @mail/core itself.
 *
 * @throws BackendImportError naming the specifier and what to do.
 */
export async function loadBackend(spec: string | BackendConstructor): Promise<BackendClass> {
  if (typeof spec === 'function') {
    if (isBackendClass(spec)) return spec;
    throw new BackendImportError(
      `${(spec as Function).name || 'The function'} is not an email backend class: it needs sendMessages(), open() and close() (extend BaseEmailBackend).`,
    );
  }
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new TypeError(
      `A backend is an alias ('smtp', 'console', …), a module specifier or a class; got ${spec === '' ? 'an empty string' : typeof spec}.`,
    );
  }
  const original = spec.trim();
  const hash = /^(.+?)#([A-Za-z_$][\w$]*)$/.exec(original);
  const specifier = hash ? hash[1]! : original;
  const exportName = hash ? hash[2]! : undefined;
  const aliased = BACKEND_ALIASES[specifier];
  const [target, aliasExport] = aliased ? (aliased.split('#') as [string, string?]) : [specifier, undefined];
  const mod = await importBackendModule(target, original);
  return pickClass(mod, exportName ?? aliasExport, original);
}

async function importBackendModule(target: string, original: string): Promise<Record<string, unknown>> {
  if (/^file:/i.test(target)) {
    let file: string;
    try {
      file = fileURLToPath(target);
    } catch (error) {
      throw new BackendImportError(
        `Email backend "${original}" is not a usable file: URL (${(error as Error).message}).`,
        { cause: error },
      );
    }
    return importFile(mustExist(file, original), original);
  }
  if (path.isAbsolute(target) || /^\.\.?([\\/]|$)/.test(target)) {
    return importFile(mustExist(path.resolve(process.cwd(), target), original), original);
  }
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(target);
  if (scheme) throw refusedScheme(scheme[1]!, original);

  const { name, subpath } = splitPackageSpecifier(target);
  const searched = searchDirs();
  for (const dir of searched) {
    const packageDir = findPackageDir(name, dir);
    if (packageDir === null) continue;
    let file: string;
    try {
      file = resolvePackageFile(packageDir, subpath);
    } catch (error) {
      if (error instanceof SubpathNotExported) {
        throw new BackendImportError(`Email backend "${original}" cannot be loaded: ${error.message}.`, {
          cause: error,
        });
      }
      throw new BackendImportError(
        `Email backend "${original}" cannot be loaded: ${packageDir}/package.json is unreadable.`,
        { cause: error },
      );
    }
    return importFile(file, original);
  }
  // Not under the user's directories: let the runtime resolve it from @mail/core's own place
  // (a backend installed beside core).
  return importOrExplain(target, original, { name, searched });
}

/**
 * A backend string is code, loaded like an import: only what the docs list is accepted. A URL
 * of another scheme would run whatever it carries (`data:text/javascript,…`) or fetch code
 * (`http:`, `https:`), and `node:` modules are no backends.
 */
function refusedScheme(scheme: string, original: string): BackendImportError {
  const shown = JSON.stringify(original.length > 60 ? `${original.slice(0, 60)}…` : original);
  return new BackendImportError(
    `Email backend ${shown} is refused: "${scheme.toLowerCase()}:" URLs are not loaded. A backend is an alias ('smtp', 'console', …), a package specifier, a path, a file: URL or a class; to use code from elsewhere, import it yourself and pass the class.`,
  );
}

function searchDirs(): string[] {
  const dirs = [process.cwd()];
  const entry = process.argv[1];
  if (entry) {
    let real = path.resolve(entry);
    try {
      real = realpathSync(real);
    } catch {
      // The entry may be gone or virtual; its path still says where to look.
    }
    const dir = path.dirname(real);
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

function mustExist(file: string, original: string): string {
  const found = probe(file);
  if (found === null) {
    throw new BackendImportError(
      `Email backend "${original}" not found: ${file} does not exist (relative paths resolve from the current directory, ${process.cwd()}).`,
    );
  }
  return found;
}

async function importFile(file: string, original: string): Promise<Record<string, unknown>> {
  return importOrExplain(pathToFileURL(realPath(file)).href, original, null);
}

/** The file as Node loads it: by its real path, so a symlinked (workspace) package is one module. */
function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file; // gone: the import says so
  }
}

async function importOrExplain(
  target: string,
  original: string,
  missing: { name: string; searched: string[] } | null,
): Promise<Record<string, unknown>> {
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = String((error as Error)?.message);
    const notFound =
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (package|module)|Failed to load url/.test(message);
    if (missing && notFound && message.includes(missing.name)) {
      throw new BackendImportError(
        `Email backend "${original}" needs the package "${missing.name}", which is not installed ` +
          `(looked in node_modules from ${missing.searched.join(' and from ')}). ` +
          `Install it with \`${installCommand(missing.name)}\`, or pass the backend class itself.`,
        { cause: error },
      );
    }
    const where = target.startsWith('file:') ? ` (${fileURLToPath(target)})` : '';
    throw new BackendImportError(
      `Email backend "${original}"${where} failed to import: ${(error as Error)?.message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The install command for the package manager in use (by its user agent, else its lockfile). */
export function installCommand(name: string): string {
  const agent = process.env.npm_config_user_agent ?? '';
  const cwd = process.cwd();
  if (agent.startsWith('pnpm') || existsSync(path.join(cwd, 'pnpm-lock.yaml'))) return `pnpm add ${name}`;
  if (agent.startsWith('yarn') || existsSync(path.join(cwd, 'yarn.lock'))) return `yarn add ${name}`;
  if (agent.startsWith('bun') || existsSync(path.join(cwd, 'bun.lockb')) || existsSync(path.join(cwd, 'bun.lock')))
    return `bun add ${name}`;
  return `npm install ${name}`;
}

function pickClass(mod: Record<string, unknown>, exportName: string | undefined, original: string): BackendClass {
  const inner = (mod.default ?? null) as Record<string, unknown> | null;
  const innerObject = inner !== null && (typeof inner === 'object' || typeof inner === 'function') ? inner : null;
  // CommonJS interop: `module.exports = { EmailBackend }` arrives as default; a transpiled
  // `exports.default` arrives as default.default.
  const candidates = exportName
    ? [mod[exportName], innerObject?.[exportName]]
    : [mod.EmailBackend, mod.default, innerObject?.EmailBackend, innerObject?.default];
  for (const candidate of candidates) if (isBackendClass(candidate)) return candidate;

  const names = Object.keys(mod).filter((k) => k !== '__esModule');
  const listing = names.length ? names.map((n) => `${n} (${describe(mod[n])})`).join(', ') : 'nothing';
  const wanted = exportName
    ? `an export named "${exportName}" that is a backend class`
    : 'an "EmailBackend" export or a default export that is a backend class';
  throw new BackendImportError(
    `Email backend "${original}" has no backend class: expected ${wanted} (a class with sendMessages, open and close, e.g. extending BaseEmailBackend). It exports: ${listing}.`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'function') return isBackendClass(value) ? 'backend class' : 'function';
  return value === null ? 'null' : typeof value;
}
