import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadHeaderError, BaseEmailBackend, getConnection, MailError, SendError } from '@mail/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg } from '../support/backends.js';
import { buildCore } from '../support/build-core.js';
import { isolateSettings } from '../support/env.js';
import { backendSource, fixtureDir } from '../support/fixture-dir.js';

isolateSettings();

let built: Awaited<ReturnType<typeof buildCore>>;
let cjsCore: Record<string, any>;

beforeAll(async () => {
  built = await buildCore();
  // The CJS copy, loaded the way a CommonJS app would load it.
  cjsCore = createRequire(import.meta.url)(built.cjs);
}, 60_000);

afterAll(() => rmSync(built.dir, { recursive: true, force: true }));

describe('a second copy of @mail/core (the built CJS bundle)', () => {
  it('provides a BaseEmailBackend whose subclasses getConnection() accepts and runs', async () => {
    const delivered: string[] = [];
    class FromCjsCopy extends (cjsCore.BaseEmailBackend as typeof BaseEmailBackend) {
      static override readonly optionNames = ['prefix'];
      protected override async deliverOne({ message }: { message: { subject: string } }) {
        delivered.push(message.subject);
      }
    }
    const backend = await getConnection(FromCjsCopy, { failSilently: true });
    expect(backend).toBeInstanceOf(FromCjsCopy);
    expect(backend).toBeInstanceOf(BaseEmailBackend); // recognised by brand, not identity
    expect(backend.failSilently).toBe(true);
    expect(await backend.sendMessages([msg('one'), msg('two')])).toBe(2);
    expect(delivered).toEqual(['one', 'two']);
    // Its option check is the copy's own, with the same rules.
    await expect(getConnection(FromCjsCopy, { prefx: 'x' })).rejects.toThrow(
      /Unknown option "prefx".*Did you mean "prefix"/,
    );
  });

  it('throws errors this copy recognises with instanceof, with their stable names', () => {
    const sendError = new cjsCore.SendError('boom', { sent: 2 });
    expect(sendError).toBeInstanceOf(SendError);
    expect(sendError).toBeInstanceOf(MailError);
    expect(sendError).not.toBeInstanceOf(BadHeaderError);
    expect([sendError.name, sendError.code, sendError.sent]).toEqual(['SendError', 'MAIL_SEND_FAILED', 2]);
    for (const name of [
      'BadHeaderError',
      'ConfigurationError',
      'BackendImportError',
      'MailerDoesNotExist',
      'InvalidAddressError',
    ]) {
      const error = new cjsCore[name]('x');
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(MailError);
    }
    // And the other way round.
    expect(new BadHeaderError('x')).toBeInstanceOf(cjsCore.BadHeaderError);
  });
});

describe('the built bundles under plain Node (no test runner in the way)', () => {
  let app: ReturnType<typeof fixtureDir>;

  beforeAll(() => {
    app = fixtureDir({
      'node_modules/esm-only-backend/package.json': {
        name: 'esm-only-backend',
        type: 'module',
        exports: { '.': { import: './index.js' } },
      },
      'node_modules/esm-only-backend/index.js': backendSource('esm-only', 'esm'),
      // A CommonJS backend package built on the CJS copy of core.
      'node_modules/cjs-core-backend/package.json': { name: 'cjs-core-backend', main: 'index.js' },
      'node_modules/cjs-core-backend/index.js': `const { BaseEmailBackend } = require(${JSON.stringify(built.cjs)});
class EmailBackend extends BaseEmailBackend {
  static optionNames = ['label'];
  async deliverOne() {}
}
EmailBackend.marker = 'cjs-core';
module.exports = { EmailBackend };
`,
      'local/backend.mjs': backendSource('local', 'esm'),
    });
    writeFileSync(
      path.join(app.dir, 'probe.mjs'),
      `const core = await import(process.argv[2]);
const out = {};
const marker = async (spec, options) => { try { const b = await core.getConnection(spec, options); return b.constructor.marker + (b instanceof core.BaseEmailBackend ? '+base' : ''); } catch (e) { return e.name + ': ' + e.message; } };
out.esmOnly = await marker('esm-only-backend');
out.cjsCore = await marker('cjs-core-backend', { label: 'x' });
out.local = await marker('./local/backend.mjs');
out.missing = await marker('no-such-backend');
out.badOption = await marker('cjs-core-backend', { lable: 'x' });
console.log(JSON.stringify(out));
`,
    );
  });

  afterAll(() => app.remove());

  it.each(['esm', 'cjs'] as const)(
    'the %s build loads ESM-only and CJS packages, paths, and explains a missing one',
    (format) => {
      const entry = format === 'esm' ? pathToFileURL(built.esm).href : pathToFileURL(built.cjs).href;
      const run = spawnSync(process.execPath, ['probe.mjs', entry], {
        cwd: app.dir,
        encoding: 'utf8',
        env: { ...process.env, npm_config_user_agent: '' },
      });
      expect(run.stderr).toBe('');
      const out = JSON.parse(run.stdout);
      expect(out.esmOnly).toBe('esm-only');
      // The CJS copy's class is a BaseEmailBackend for the ESM copy too.
      expect(out.cjsCore).toBe('cjs-core+base');
      expect(out.local).toBe('local');
      expect(out.missing).toMatch(/^BackendImportError: .*"no-such-backend".*`npm install no-such-backend`/);
      expect(out.badOption).toMatch(
        /^ConfigurationError: Unknown option "lable" for EmailBackend\. Did you mean "label"\?/,
      );
    },
  );
});
