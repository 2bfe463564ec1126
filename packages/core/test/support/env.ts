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
 * A unit test of src/ passes the sources' `resetSettings` too: under MAIL_TEST_DIST=1 the public
 * entry point is the built copy, whose settings are another module's state.
 */
export function isolateSettings(...sourceResets: (() => void)[]): void {
  const reset = () => {
    resetSettings();
    for (const other of sourceResets) other();
  };
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(SETTING_ENV.map((k) => [k, process.env[k]]));
    for (const k of SETTING_ENV) delete process.env[k];
    reset();
  });
  afterEach(() => {
    for (const k of SETTING_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    reset();
  });
}
