import { BackendImportError, configure, getConnection, mailers, resetSettings, sendMail } from '@mail/core';
import { afterEach, describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

// Each payload would set this global if its code ran.
const RAN = '__mailBackendSpecifierRan';
const ran = () => (globalThis as Record<string, unknown>)[RAN];
afterEach(() => {
  delete (globalThis as Record<string, unknown>)[RAN];
  resetSettings();
});

const code = `globalThis.${RAN} = true; export class EmailBackend { async sendMessages() { return 0; } async open() { return false; } async close() {} }`;
const HOSTILE = [
  `data:text/javascript,${encodeURIComponent(code)}`,
  `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`,
  `DATA:text/javascript,${encodeURIComponent(code)}#EmailBackend`,
  'http://127.0.0.1:9/backend.js',
  'https://evil.example/backend.mjs',
  'node:child_process',
  'node:fs#EmailBackend',
  'blob:nodedata:1234',
  'javascript:alert(1)',
];

describe('a backend string is code: only aliases, packages, paths, file: URLs', () => {
  it.each(HOSTILE)('getConnection(%j) is refused without running anything', async (spec) => {
    const error = await getConnection(spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendImportError);
    expect((error as Error).message).toMatch(/is refused: "[a-z]+:" URLs are not loaded/);
    expect((error as Error).message).toContain('pass the class');
    expect(ran()).toBeUndefined();
  });

  it('the emailBackend setting, EMAIL_BACKEND and a mailer backend are refused the same way', async () => {
    configure({ emailBackend: HOSTILE[0] });
    await expect(
      sendMail({ subject: 's', message: 'm', fromEmail: 'a@example.com', recipientList: ['b@example.com'] }),
    ).rejects.toThrow(/"data:" URLs are not loaded/);
    resetSettings();
    process.env.EMAIL_BACKEND = HOSTILE[1];
    await expect(getConnection()).rejects.toThrow(/"data:" URLs are not loaded/);
    delete process.env.EMAIL_BACKEND;
    resetSettings();
    configure({ mailers: { default: { backend: 'dummy' }, evil: { backend: HOSTILE[3] } } });
    await expect(mailers.get('evil')).rejects.toThrow(/"http:" URLs are not loaded/);
    expect(ran()).toBeUndefined();
  });

  it('a long payload is not echoed whole', async () => {
    const spec = `data:text/javascript,${'x'.repeat(5000)}`;
    const error = (await getConnection(spec).catch((e: unknown) => e)) as Error;
    expect(error.message.length).toBeLessThan(400);
  });

  it('aliases and file: URLs still load', async () => {
    await expect(getConnection('dummy')).resolves.toBeDefined();
    const url = new URL('../../../backend-dummy/src/index.ts', import.meta.url).href;
    await expect(getConnection(url)).resolves.toBeDefined();
  });
});
