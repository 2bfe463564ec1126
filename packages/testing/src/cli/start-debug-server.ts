import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { readAlternatives } from '../smtp-fixture/alternatives.js';
import { formatMessage } from './format-message.js';

/** Options of {@link startDebugServer}. */
export interface DebugServerOptions {
  host?: string;
  port?: number;
  /** Where messages are printed (default `process.stdout`). */
  output?: { write(text: string): unknown };
}

/** A running debug server. */
export interface DebugServer {
  host: string;
  port: number;
  /** Stop listening and cut open connections. */
  close(): Promise<void>;
}

/**
 * Start an SMTP server that prints every message it receives and keeps none, for development
 * (what Django's docs use Python's `smtpd` DebuggingServer for). Plaintext; AUTH is optional
 * and any credentials are accepted (never printed), so a configured app can point at it as is.
 *
 * @example
 * ```ts
 * const server = await startDebugServer({ port: 1025 });
 * // configure({ emailHost: '127.0.0.1', emailPort: 1025 })
 * await server.close();
 * ```
 */
export async function startDebugServer({
  host = '127.0.0.1',
  port = 1025,
  output = process.stdout,
}: DebugServerOptions = {}): Promise<DebugServer> {
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        Promise.all([simpleParser(raw), readAlternatives(raw)]).then(
          ([parsed, alternatives]) => {
            const { mailFrom, rcptTo } = session.envelope;
            const envelope = {
              peer: session.remoteAddress,
              mailFrom: mailFrom ? mailFrom.address : '',
              rcptTo: rcptTo.map((r) => r.address),
            };
            output.write(formatMessage({ ...envelope, raw, parsed, alternatives }));
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  server.on('error', () => {
    // A client that disconnects mid-session is not the server's problem.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of server.connections) connection._socket.destroy();
      });
      return closed;
    },
  };
}
