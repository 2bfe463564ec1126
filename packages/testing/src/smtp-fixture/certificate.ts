import { generate } from 'selfsigned';

/** A PEM key and certificate pair. */
export interface TestCertificate {
  key: string;
  cert: string;
}

let cached: Promise<TestCertificate> | undefined;

/**
 * A self-signed certificate for `127.0.0.1` and `localhost`, generated in-process
 * (no files, no network) on first use and shared by every fixture of the process,
 * because key generation is the slow part of starting a TLS fixture.
 *
 * @example
 * ```ts
 * const { cert } = await getTestCertificate();
 * tls.connect({ host: '127.0.0.1', port, ca: cert });
 * ```
 */
export function getTestCertificate(): Promise<TestCertificate> {
  cached ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600_000),
    extensions: [
      // A CA-flagged self-signed certificate can be given as `ca` and trusted directly.
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
