import { resetSettings } from '@mail/core';
import { afterEach, beforeEach } from 'vitest';

/** Every environment variable the settings read. */
export const SETTING_ENV = [
  'EMAIL_BACKEND',
  'EMAIL_HOST',
  'EMAIL_PORT',
  'EMAIL_HOST_USER',
  'EMAIL_HOST_PASSWORD',
  'EMAIL_USE_TLS',
  'EMAIL_USE_SSL',
  'EMAIL_SSL_CERTFILE',
  'EMAIL_SSL_KEYFILE',
  'EMAIL_TIMEOUT',
  'EMAIL_FILE_PATH',
  'DEFAULT_FROM_EMAIL',
  'SERVER_EMAIL',
  'EMAIL_SUBJECT_PREFIX',
  'DEFAULT_CHARSET',
  'ADMINS',
  'MANAGERS',
  'EMAIL_USE_LOCALTIME',
  'EMAIL_URL',
  'EMAIL_RETRY',
];

/**
 * Start each test from a clean slate: no configure(), none of the settings' environment
 * variables (restored afterwards, so the suite does not depend on the shell it runs in).
 */
export function isolateSettings(): void {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(SETTING_ENV.map((k) => [k, process.env[k]]));
    for (const k of SETTING_ENV) delete process.env[k];
    resetSettings();
  });
  afterEach(() => {
    for (const k of SETTING_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    resetSettings();
  });
}
