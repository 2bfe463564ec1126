/**
 * The `mail-debug-server` command: `mail-debug-server [--host 127.0.0.1] [--port 1025]`.
 * See {@link runCli}.
 * @packageDocumentation
 */
import { once } from 'node:events';
import { runCli } from './run-cli.js';

const stopRequested = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stopRequested }).then(
  (code) => {
    process.exitCode = code;
    // Nothing is left to wait for after a stop; exit even if a stray handle lingers.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`mail-debug-server: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
