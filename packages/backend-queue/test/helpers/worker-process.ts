import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const dist = process.env.MAIL_TEST_DIST === '1';

/**
 * Bundling a child process's entry as the test run resolves: @mail/* from their sources through
 * the "@mail/source" export condition (the one definition of "run against source", see
 * vitest.config.ts), unless MAIL_TEST_DIST=1 (then they stay external and the child loads the
 * built packages from node_modules). Other packages stay external.
 */
export const mailSources: Plugin = {
  name: 'mail-sources',
  setup(b) {
    b.initialOptions.conditions = dist ? [] : ['@mail/source'];
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      !args.path.startsWith('@mail/') || dist ? { path: args.path, external: true } : undefined,
    );
  },
};

let bundled: Promise<string> | undefined;

/** The worker entry (test/fixtures/worker-entry.ts) bundled once per test file. */
export function workerScript(): Promise<string> {
  bundled ??= (async () => {
    mkdirSync(`${pkg}node_modules/.cache`, { recursive: true });
    const outfile = `${pkg}node_modules/.cache/mail-worker-test-${process.pid}-${Date.now()}.mjs`;
    await build({
      entryPoints: [`${pkg}test/fixtures/worker-entry.ts`],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      plugins: [mailSources],
      logLevel: 'silent',
      // CommonJS dependencies bundled from sources (none expected) would need require().
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return outfile;
  })();
  return bundled;
}

/** A running worker process. */
export interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
  /** Resolves when the worker said it is taking jobs. */
  ready: Promise<void>;
}

/** Start `mail-worker` (the test entry) with these arguments; `smtp` are the smtp mailer's options. */
export async function spawnWorker(
  args: string[],
  smtp: object,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const script = await workerScript();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: pkg,
    env: { ...process.env, MAIL_TEST_SMTP: JSON.stringify(smtp), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const ready = (async () => {
    for (let i = 0; i < 1000; i++) {
      if (stdout.includes('taking jobs')) return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`worker did not start:\n${stdout}\n${stderr}`);
  })();
  ready.catch(() => undefined); // a subcommand never gets ready; only callers who wait on it see the error
  return { child, stdout: () => stdout, stderr: () => stderr, exit, ready };
}
