import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { replyError } from '../smtp-fixture/faults.js';
import { SmtpFixture } from '../smtp-fixture/smtp-fixture.js';
import { Chaos } from './chaos.js';
import { inboxHandler } from './inbox-http.js';
import { InboxStore } from './inbox-store.js';

/** Options of {@link startInbox}. */
export interface InboxOptions {
  /** Address both servers listen on (default `127.0.0.1`). Anything but loopback exposes your mail. */
  host?: string;
  /** SMTP port (default 1025; 0 picks a free one). */
  port?: number;
  /** Web inbox and API port (default 8025; 0 picks a free one). */
  webPort?: number;
  /** How many messages to keep; older ones are dropped (default 1000). */
  max?: number;
  /** Largest message accepted, in bytes (default 100 MB). */
  size?: number;
}

/** A running web inbox. */
export interface Inbox {
  /** SMTP side: where to point the app (`{ host, port }`). */
  smtp: { host: string; port: number };
  /** The page and the API, `http://127.0.0.1:8025`. */
  url: string;
  /** The messages it holds and the change feed. */
  store: InboxStore;
  /** The fault injection (what `PUT /api/v1/chaos` sets). */
  chaos: Chaos;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `127.0.0.1`, `::1`, `localhost`: addresses nobody else can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Start the web inbox: an SMTP server (the test fixture's, with its fault injection) that keeps
 * the last `max` messages, and an HTTP server with the page and Mailpit's API v1.
 *
 * @example
 * ```ts
 * await using inbox = await startInbox({ port: 0, webPort: 0 });
 * configure({ emailHost: inbox.smtp.host, emailPort: inbox.smtp.port });
 * ```
 */
export async function startInbox({
  host = '127.0.0.1',
  port = 1025,
  webPort = 8025,
  max = 1000,
  size = 100 * 1024 * 1024,
}: InboxOptions = {}): Promise<Inbox> {
  const store = new InboxStore(max);
  const chaos = new Chaos();
  let fixture: SmtpFixture | undefined;
  const options = {
    host,
    port,
    size,
    faults: chaos.faults,
    onMessage: () => {
      // The store keeps the message; the fixture keeps nothing, so memory stays bounded.
      for (const message of (fixture as SmtpFixture).messages.splice(0)) store.add(message);
      (fixture as SmtpFixture).events.length = 0;
    },
  };
  const smtp = new SMTPServer({
    name: 'localhost',
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size,
    ...SmtpFixture.handlers(() => fixture as SmtpFixture),
    // Any credentials are accepted (an app configured for production can point here as is).
    onAuth: (auth, _session, callback) => {
      const refused = chaos.authentication();
      if (refused) callback(replyError(refused.code, refused.message ?? 'Authentication failed'));
      else callback(null, { user: auth.username ?? 'anonymous' });
    },
  });
  smtp.on('error', () => {
    // A client that disconnects mid-session is not the server's problem.
  });
  const web = createServer(inboxHandler(store, chaos, { loopbackOnly: isLoopback(host) }));
  await listen(smtp.server, port, host);
  try {
    await listen(web, webPort, host);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  fixture = new SmtpFixture(smtp, options, undefined);
  const webAddress = web.address() as AddressInfo;
  const urlHost = webAddress.family === 'IPv6' ? `[${webAddress.address}]` : webAddress.address;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= Promise.all([
      (fixture as SmtpFixture).close(),
      new Promise<void>((resolve) => {
        web.close(() => resolve());
        web.closeAllConnections();
      }),
    ]).then(() => undefined);
    return closed;
  };
  return {
    smtp: { host: fixture.host, port: fixture.port },
    url: `http://${urlHost}:${webAddress.port}`,
    store,
    chaos,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function listen(server: Server | SMTPServer['server'], port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
