import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Whether Debian's redis-server is installed (CI installs it; see .ci/run). */
export const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Says why the Redis tests are skipped, once per file. */
export const SKIP_MESSAGE =
  'redis-server is not installed: apt-get install -y redis-server (CI does) to run the queue tests';

if (!hasRedis) console.warn(`@mail/backend-queue: ${SKIP_MESSAGE}`);

/** A redis-server of a test: its own loopback port and data directory, append-only file on. */
export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stop (SIGTERM: it writes its append-only file and exits) and start again on the same port and data. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  for (let i = 0; i < 200; i++) {
    if (/Ready to accept connections/.test(output)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}:\n${output}`);
}

/** Start a redis-server for this test file; `stop()` it after. */
export async function startRedis(extra: string[] = []): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mail-queue-redis-'));
  const port = await freePort();
  let child = await launch(port, dir, extra);
  const stopChild = async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart({ downMs = 0 } = {}) {
      await stopChild();
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      child = await launch(port, dir, extra);
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
