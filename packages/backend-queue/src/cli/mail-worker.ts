/**
 * The `mail-worker` command: `mail-worker --redis redis://localhost:6379 --config ./mail.config.mjs`.
 * @module
 */
import { once } from 'node:events';
import { runMailWorker } from './run-mail-worker.js';

const stopRequested = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
runMailWorker(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stopRequested }).then((code) => {
  process.exitCode = code;
  // Nothing is left to finish: connections are closed; do not wait for stray timers.
  setTimeout(() => process.exit(code), 100).unref();
});
