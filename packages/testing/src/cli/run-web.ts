import { type Inbox, isLoopback, startInbox } from '../inbox/start-inbox.js';
import { type CliIo, explainListenError } from './cli-io.js';

/** `mail-debug-server --web`: the web inbox until Ctrl-C; resolves to the exit code. */
export async function runWeb(
  values: { 'web-port'?: string; max?: string },
  { host, port }: { host: string; port: number },
  io: CliIo,
): Promise<number> {
  const webPort = values['web-port'] === undefined ? 8025 : Number(values['web-port']);
  if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535) {
    io.stderr.write(
      `mail-debug-server: --web-port must be a whole number from 0 to 65535, got ${JSON.stringify(values['web-port'])}.\n`,
    );
    return 1;
  }
  const max = values.max === undefined ? 1000 : Number(values.max);
  if (!Number.isInteger(max) || max < 1) {
    io.stderr.write(
      `mail-debug-server: --max must be a whole number of at least 1, got ${JSON.stringify(values.max)}.\n`,
    );
    return 1;
  }
  if (!isLoopback(host)) {
    io.stderr.write(
      `mail-debug-server: warning: listening on ${host}, not loopback: anyone who can reach this machine can read and delete the mail it holds.\n`,
    );
  }
  let inbox: Inbox;
  try {
    inbox = await startInbox({ host, port, webPort, max });
  } catch (error) {
    const failed = (error as { port?: number }).port ?? port;
    io.stderr.write(`mail-debug-server: ${explainListenError(error, host, failed)}\n`);
    return 1;
  }
  io.stdout.write(`smtp listening on ${inbox.smtp.host}:${inbox.smtp.port}\n`);
  io.stdout.write(`web listening on ${inbox.url}\n`);
  io.stdout.write(`keeping the last ${max} messages in memory; press Ctrl-C to stop.\n`);
  await io.stopRequested;
  await inbox.close();
  io.stdout.write('mail-debug-server stopped.\n');
  return 0;
}
