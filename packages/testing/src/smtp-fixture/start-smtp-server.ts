import { SMTPServer } from 'smtp-server';
import { getTestCertificate } from './certificate.js';
import { SmtpFixture } from './smtp-fixture.js';
import type { SmtpFixtureOptions } from './types.js';

/**
 * Start an SMTP server for a test on 127.0.0.1 and a free port, with optional AUTH, TLS
 * (certificate generated in-process), size limit and scripted failures.
 *
 * @example
 * ```ts
 * await using smtp = await startSmtpServer({ auth: { username: 'u', password: 'p' }, tls: 'starttls' });
 * const backend = await getConnection('smtp', smtp.backendOptions());
 * await backend.sendMessages([message]);
 * expect(smtp.messages[0].envelope.rcptTo).toEqual(['to@example.com']);
 * ```
 */
export async function startSmtpServer(options: SmtpFixtureOptions = {}): Promise<SmtpFixture> {
  const { tls = false, auth, size, hideStartTls = false } = options;
  if (tls !== false && tls !== 'starttls' && tls !== 'implicit') {
    throw new TypeError(`startSmtpServer(): tls must be false, 'starttls' or 'implicit', got ${String(tls)}.`);
  }
  const certificate = tls === false ? undefined : await getTestCertificate();
  const disabledCommands: string[] = [];
  // hideStartTls refuses the command too (502), so a client that tries STARTTLS unannounced fails as on a real server without it.
  if (tls === false || hideStartTls) disabledCommands.push('STARTTLS');
  if (!auth) disabledCommands.push('AUTH');

  let fixture: SmtpFixture | undefined;
  const server = new SMTPServer({
    name: 'localhost',
    disableReverseLookup: true, // no DNS in tests
    secure: tls === 'implicit',
    ...(certificate ? { key: certificate.key, cert: certificate.cert } : {}),
    hideSMTPUTF8: Boolean(options.hideSmtpUtf8),
    hide8BITMIME: Boolean(options.hide8BitMime),
    disabledCommands,
    authOptional: !auth,
    // Plaintext AUTH only where the server offers no TLS to do it under.
    allowInsecureAuth: tls === false || hideStartTls,
    ...(size !== undefined ? { size, rejectOversized: true } : {}),
    ...SmtpFixture.handlers(() => fixture as SmtpFixture),
  });
  server.on('error', () => {
    // Client sockets cut by faults or close() end in errors smtp-server reports here; they are expected.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  fixture = new SmtpFixture(server, options, certificate?.cert);
  return fixture;
}
