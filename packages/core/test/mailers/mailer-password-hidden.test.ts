import { inspect } from 'node:util';
import { configure, getSettings, mailers } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

describe('a mailer password never shows when the mailers setting is logged', () => {
  it('is masked by util.inspect and JSON.stringify of getSettings().mailers and of a spread of the settings', async () => {
    configure({ mailers: { default: { backend: RecordingBackend, options: { log: [], secretish: 'mailer-pa55' } } } });
    const { mailers: configured } = getSettings();
    for (const shown of [
      inspect(configured, { depth: 10 }),
      JSON.stringify(configured),
      inspect({ ...getSettings() }, { depth: 10 }),
      JSON.stringify({ ...getSettings() }),
    ]) {
      expect(shown).not.toContain('mailer-pa55');
    }
    // The value itself is unchanged and reaches the backend.
    expect(configured?.default?.options?.secretish).toBe('mailer-pa55');
    expect(Object.keys(configured?.default?.options ?? {})).toEqual(['log', 'secretish']);
    await expect(mailers.get('default')).rejects.toThrow(/Unknown option "secretish"/); // reached the option check as given
  });
});
