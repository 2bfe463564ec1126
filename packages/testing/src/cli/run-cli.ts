import { parseArgs } from 'node:util';
import { type CliIo, explainListenError } from './cli-io.js';
import { runWeb } from './run-web.js';

export type { CliIo } from './cli-io.js';

import { type DebugServer, startDebugServer } from './start-debug-server.js';

/** Usage text of `mail-debug-server --help`. */
export const USAGE = `Usage: mail-debug-server [--host 127.0.0.1] [--port 1025]
       mail-debug-server --web [--host 127.0.0.1] [--port 1025] [--web-port 8025] [--max 1000]

An SMTP server for development that prints every message it receives
(envelope, headers, text body) and delivers nothing. Stop it with Ctrl-C.
With --web it prints nothing and keeps the messages in a web inbox instead,
with Mailpit's API v1 beside it.

Options:
  --host <address>    address to listen on (default 127.0.0.1)
  --port <number>     port to listen on (default 1025; 0 picks a free one)
  --web               serve the web inbox and its API
  --web-port <number> port of the web inbox (default 8025; 0 picks a free one)
  --max <number>      messages the web inbox keeps, oldest dropped first (default 1000)
  -h, --help          show this help

Point your app at it:  configure({ emailHost: '127.0.0.1', emailPort: 1025 })
`;

/**
 * Run `mail-debug-server` with `argv` (without `node` and the script); resolves to the exit
 * code: 0 after a clean stop, 1 for a port in use or a bad argument.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let values: { host?: string; port?: string; help?: boolean; web?: boolean; 'web-port'?: string; max?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        web: { type: 'boolean' },
        'web-port': { type: 'string' },
        max: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`mail-debug-server: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const host = values.host ?? '127.0.0.1';
  const port = values.port === undefined ? 1025 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(
      `mail-debug-server: --port must be a whole number from 0 to 65535, got ${JSON.stringify(values.port)}.\n`,
    );
    return 1;
  }
  if (values.web) return runWeb(values, { host, port }, io);
  if (values['web-port'] !== undefined || values.max !== undefined) {
    io.stderr.write('mail-debug-server: --web-port and --max go with --web.\n');
    return 1;
  }
  let server: DebugServer;
  try {
    server = await startDebugServer({ host, port, output: io.stdout });
  } catch (error) {
    io.stderr.write(`mail-debug-server: ${explainListenError(error, host, port)}\n`);
    return 1;
  }
  io.stdout.write(`mail-debug-server listening on ${server.host}:${server.port}; press Ctrl-C to stop.\n`);
  await io.stopRequested;
  await server.close();
  io.stdout.write('mail-debug-server stopped.\n');
  return 0;
}
