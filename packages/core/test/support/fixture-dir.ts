import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Write `files` (relative path → content; objects are JSON) under a new temporary directory. */
export function fixtureDir(files: Record<string, string | object>): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mail-core-'));
  writeTree(dir, files);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeTree(dir: string, files: Record<string, string | object>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** Source of a duck-typed backend class (no @mail/core import: accepted by shape). */
export function backendSource(marker: string, format: 'esm' | 'cjs', exportAs = 'EmailBackend'): string {
  const body = `class ${exportAs === 'default' ? 'Backend' : exportAs} {
  static marker = ${JSON.stringify(marker)};
  constructor(options = {}) { this.options = options; this.failSilently = Boolean(options.failSilently); }
  async open() { return false; }
  async close() {}
  async sendMessages(messages) { return [...messages].length; }
}`;
  const name = exportAs === 'default' ? 'Backend' : exportAs;
  if (format === 'esm') return `${body}\nexport ${exportAs === 'default' ? `default ${name}` : `{ ${name} }`};\n`;
  return `${body}\n${exportAs === 'default' ? `module.exports = ${name};` : `exports.${name} = ${name};`}\n`;
}
