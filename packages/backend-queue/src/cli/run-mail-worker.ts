import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openQueue } from '../mail-queue.js';
import { maskUrl } from '../redis-connection.js';
import { startWorker, type WorkerEvent } from '../worker.js';

/** Usage text of `mail-worker --help`. */
export const USAGE = `Usage: mail-worker [run] [options]        take jobs and send them
       mail-worker counts [options]       jobs waiting, active, delayed, completed, failed
       mail-worker failed [options]       the failed jobs and why they failed
       mail-worker retry-failed [options] send the failed jobs again
       mail-worker drop-failed [options]  delete the failed jobs

Options:
  --redis <url>         Redis (default $REDIS_URL, else redis://localhost:6379)
  --queue <name>        queue name (default mail)
  --concurrency <n>     jobs sent at once by this worker (default 4)
  --config <file>       a module that calls configure() from @mail/core (the mailers to send through)
  --prefix <prefix>     BullMQ key prefix (default bull)
  --lock-duration <ms>  job lock time; a dead worker's jobs come back after it (default 30000)
  --stalled-interval <ms>  how often to look for a dead worker's jobs (default 30000)
  --verbose             print a line for every job sent
  -h, --help            show this help

Without --config, the mailer "default" is EMAIL_URL / EMAIL_* from the environment.
SIGTERM or Ctrl-C: finish the jobs in hand, then exit.
`;

/** Where the command writes and what stops it; the real process by default. */
export interface WorkerCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
  stopRequested: Promise<unknown>;
}

const COMMANDS = ['run', 'counts', 'failed', 'retry-failed', 'drop-failed'] as const;

/**
 * Run `mail-worker` with `argv` (without `node` and the script); resolves to the exit code:
 * 0 after a clean stop or a done subcommand, 1 for a failure, 2 for a bad argument.
 */
export async function runMailWorker(argv: string[], io: WorkerCliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        redis: { type: 'string' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        config: { type: 'string' },
        prefix: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr.write(`mail-worker: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const command = positionals[0] ?? 'run';
  if (!(COMMANDS as readonly string[]).includes(command) || positionals.length > 1) {
    io.stderr.write(`mail-worker: unknown command "${positionals.join(' ')}".\n\n${USAGE}`);
    return 2;
  }
  const numbers: Record<string, number | undefined> = {};
  for (const name of ['concurrency', 'lock-duration', 'stalled-interval']) {
    const raw = values[name];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      io.stderr.write(`mail-worker: --${name} takes a whole number 1 or more; got ${JSON.stringify(raw)}.\n`);
      return 2;
    }
    numbers[name] = n;
  }
  const redis = (values.redis as string | undefined) ?? process.env.REDIS_URL ?? 'redis://localhost:6379';
  const queue = (values.queue as string | undefined) ?? 'mail';
  const prefix = values.prefix as string | undefined;
  try {
    if (command !== 'run') return await manage(command, { redis, queue, prefix }, io);
    if (typeof values.config === 'string') {
      const file = path.resolve(process.cwd(), values.config);
      await import(pathToFileURL(file).href);
    }
    const verbose = values.verbose === true;
    const worker = await startWorker({
      redis,
      queue,
      prefix,
      concurrency: numbers.concurrency,
      lockDuration: numbers['lock-duration'],
      stalledInterval: numbers['stalled-interval'],
      onEvent: (event) => report(event, io, verbose),
    });
    io.stdout.write(
      `mail-worker: taking jobs from queue "${queue}" at ${maskUrl(redis)} (concurrency ${numbers.concurrency ?? 4}, pid ${process.pid})\n`,
    );
    await io.stopRequested;
    io.stdout.write('mail-worker: stopping; finishing the jobs in hand\n');
    await worker.close();
    io.stdout.write('mail-worker: stopped\n');
    return 0;
  } catch (error) {
    io.stderr.write(`mail-worker: ${(error as Error)?.message ?? error}\n`);
    return 1;
  }
}

async function manage(
  command: string,
  location: { redis: string; queue: string; prefix: string | undefined },
  io: WorkerCliIo,
): Promise<number> {
  const queue = await openQueue(location);
  try {
    if (command === 'counts') {
      const counts = await queue.counts();
      io.stdout.write(
        `${Object.entries(counts)
          .map(([state, n]) => `${state.padEnd(10)} ${n}`)
          .join('\n')}\n`,
      );
    } else if (command === 'failed') {
      const jobs = await queue.jobs(['failed']);
      if (jobs.length === 0) io.stdout.write('no failed jobs\n');
      for (const job of jobs) {
        const to = job.message.recipients().join(', ');
        io.stdout.write(
          `${job.id}\t${job.messageId ?? '-'}\tto ${to}\tafter ${job.attemptsMade} attempt(s): ${job.failedReason ?? '?'}\n`,
        );
      }
    } else if (command === 'retry-failed') {
      io.stdout.write(`retrying ${await queue.retryFailed()} failed job(s)\n`);
    } else {
      io.stdout.write(`dropped ${await queue.dropFailed()} failed job(s)\n`);
    }
    return 0;
  } finally {
    await queue.close();
  }
}

function report(event: WorkerEvent, io: WorkerCliIo, verbose: boolean): void {
  if (event.type === 'error') io.stderr.write(`mail-worker: ${event.error.message}\n`);
  else if (event.type === 'failed')
    io.stderr.write(`mail-worker: job ${event.jobId} ${event.messageId ?? ''} failed: ${event.reason}\n`);
  else if (event.type === 'retry')
    io.stderr.write(
      `mail-worker: job ${event.jobId} ${event.messageId ?? ''} will be retried (attempt ${event.attempt}): ${event.reason}\n`,
    );
  else if (verbose)
    io.stdout.write(
      `mail-worker: sent job ${event.jobId} ${event.messageId ?? ''}${event.duplicate ? ' (already accepted: not sent again)' : ''}\n`,
    );
}
