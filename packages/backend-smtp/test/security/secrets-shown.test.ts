/**
 * Nothing a backend shows holds a secret: the TLS private key and its passphrase (given in
 * `tlsOptions`, as a PFX too) and the AUTH password, whatever `util.inspect` options are used,
 * and in `JSON.stringify`, for a backend built directly and through `getConnection()`.
 */
import { inspect } from 'node:util';
import { EmailBackend } from '@mail/backend-smtp';
import { getConnection } from '@mail/core';
import { describe, expect, it } from 'vitest';

const SECRETS = ['PASSWORD-0xdeadbeef', 'PASSPHRASE-0xfeedface', 'PRIVATE-KEY-PEM-0xcafe', 'PFX-BYTES-0xbeef'];

function options() {
  return {
    host: '127.0.0.1',
    username: 'user',
    password: SECRETS[0],
    tlsOptions: {
      key: `-----BEGIN PRIVATE KEY-----\n${SECRETS[2]}\n-----END PRIVATE KEY-----`,
      passphrase: SECRETS[1],
      pfx: Buffer.from(SECRETS[3]),
      servername: 'mail.example.com',
    },
  };
}

function everythingShown(backend: object): string[] {
  return [
    inspect(backend),
    inspect(backend, { showHidden: true, getters: true, depth: Number.POSITIVE_INFINITY }),
    inspect(backend, { showHidden: true, depth: Number.POSITIVE_INFINITY, showProxy: true }),
    inspect({ nested: [backend] }, { getters: true, depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(backend),
    JSON.stringify({ backend }),
    String(backend),
  ];
}

describe('secrets of an SMTP backend', () => {
  it.each([
    ['new EmailBackend()', async () => new EmailBackend(options())],
    ['getConnection("smtp")', async () => getConnection('smtp', options())],
  ])('%s: no TLS key, passphrase or password in what it shows', async (_name, make) => {
    const backend = await make();
    for (const text of everythingShown(backend)) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(SECRETS[3]).toString('hex').slice(0, 16));
    }
    // What is not secret still shows, so the output stays useful.
    expect(inspect(backend)).toContain('127.0.0.1');
    expect(inspect(backend)).toContain('mail.example.com');
    expect(JSON.parse(JSON.stringify(backend)).host).toBe('127.0.0.1');
    // And the backend still has them, to use.
    expect((backend as EmailBackend).password).toBe(SECRETS[0]);
    expect((backend as EmailBackend).tlsOptions.passphrase).toBe(SECRETS[1]);
  });
});
