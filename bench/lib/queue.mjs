/**
 * The "queue" section of run.mjs (`--only queue`): @mail/backend-queue on a redis-server this
 * section starts (its own loopback port and temp directory, append-only file on, as in
 * production). Enqueue rate of sendMail() through the queue backend (one at a time, 32 in
 * flight, sendMassMail batches), and the end-to-end delivery rate with 1, 2 and 4 worker
 * processes (concurrency 4 each) against the SMTP sink: the queue is paused, filled, the workers
 * started, then resumed (BullMQ's pause/resume); the clock stops when the sink has every message.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSink } from './sink-control.mjs';
import { cell } from './table.mjs';

const LIB = fileURLToPath(new URL('.', import.meta.url));
const WORKERS = [1, 2, 4];
const CONCURRENCY = 4;

function hasRedisServer() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort() {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

async function startRedis() {
  const dir = mkdtempSync(join(os.tmpdir(), 'mail-bench-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 200 && !/Ready to accept/.test(out); i++) await new Promise((r) => setTimeout(r, 25));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-cli command against the bench's server (no client library in run.mjs's own process). */
const cli = (port, ...args) =>
  promisify(execFile)('redis-cli', ['-p', String(port), ...args]).then((r) => r.stdout.trim());

function startWorkerChild(redis, queue, sink) {
  const child = spawn(
    process.execPath,
    [join(LIB, 'queue-child.mjs'), 'worker', redis, queue, CONCURRENCY, sink.host, sink.port],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const ready = (async () => {
    while (!out.includes('ready')) {
      if (child.exitCode !== null) throw new Error('worker exited');
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const stop = async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
    const line = out.trim().split('\n').pop();
    return JSON.parse(line).cpuSeconds;
  };
  return { ready, stop };
}

/** Runs the section into `results` (keys `queue.*`). */
export async function queueSection({ node, results, quick, log }) {
  if (!hasRedisServer()) {
    const skipped = { skipped: 'redis-server not installed (sudo apt-get install -y redis-server)' };
    for (const k of ['enqueue.serial', 'enqueue.concurrent', 'enqueue.mass', ...WORKERS.map((w) => `deliver.${w}`)])
      results[`queue.${k}`] = skipped;
    return;
  }
  const redis = await startRedis();
  const sink = await startSink();
  const n = quick
    ? { serial: 1000, concurrent: 3000, mass: 10000, deliver: 2000 }
    : { serial: 3000, concurrent: 10000, mass: 30000, deliver: 5000 };
  try {
    for (const mode of ['serial', 'concurrent', 'mass']) {
      log(`queue enqueue ${mode} x${n[mode]}`);
      results[`queue.enqueue.${mode}`] = await node('queue-child.mjs', [
        'enqueue',
        mode,
        n[mode],
        redis.url,
        `enqueue-${mode}`,
      ]);
    }
    for (const workers of WORKERS) {
      const queue = `deliver-${workers}`;
      log(`queue deliver: ${workers} worker process(es) x${CONCURRENCY}, ${n.deliver} messages`);
      try {
        // Fill the queue while it is paused, so the clock measures the workers alone.
        await node('queue-child.mjs', ['pause', redis.url, queue]);
        const filled = await node('queue-child.mjs', ['enqueue', 'mass', n.deliver, redis.url, queue]);
        if (filled.error) throw new Error(filled.error);
        const children = Array.from({ length: workers }, () => startWorkerChild(redis.url, queue, sink));
        await Promise.all(children.map((c) => c.ready));
        const before = (await sink.stats()).messages;
        const redisCpu0 = await redisCpu(redis.port);
        const { at } = await node('queue-child.mjs', ['resume', redis.url, queue]);
        const t0 = at - Date.now() + performance.now(); // the child's clock: when it resumed the queue
        // One warm-up message was queued by the child too (n.deliver + 1 in all).
        for (;;) {
          const got = (await sink.stats()).messages - before;
          if (got >= n.deliver + 1) break;
          if (performance.now() - t0 > 120_000) throw new Error(`sink received ${got} of ${n.deliver + 1}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        const seconds = (performance.now() - t0) / 1000;
        const redisSeconds = (await redisCpu(redis.port)) - redisCpu0;
        const cpu = (await Promise.all(children.map((c) => c.stop()))).reduce((a, b) => a + b, 0);
        results[`queue.deliver.${workers}`] = {
          rate: (n.deliver + 1) / seconds,
          seconds,
          // CPU seconds per wall second: how many of the cores the workers (and Redis) kept busy.
          workerCores: cpu / seconds,
          redisCores: redisSeconds / seconds,
        };
      } catch (error) {
        results[`queue.deliver.${workers}`] = { error: String(error.message ?? error) };
      }
    }
  } finally {
    sink.close();
    await redis.stop();
  }
}

async function redisCpu(port) {
  const info = await cli(port, 'INFO', 'cpu');
  const get = (k) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

/** The queue section's own table (markdown), or '' when it did not run. */
export function queueTable(R) {
  if (!Object.keys(R).some((k) => k.startsWith('queue.'))) return '';
  const rate = (r) => r.rate;
  const lines = [
    '## Queue (@mail/backend-queue on redis-server)',
    '',
    '| measure | msgs/s | notes |',
    '| --- | --: | --- |',
    `| enqueue: sendMail() one at a time | ${cell(R['queue.enqueue.serial'], rate)} | one request handler awaiting each send |`,
    `| enqueue: sendMail(), 32 in flight | ${cell(R['queue.enqueue.concurrent'], rate)} | many handlers at once, one shared connection |`,
    `| enqueue: sendMassMail(), batches of 500 | ${cell(R['queue.enqueue.mass'], rate)} | one addBulk per batch |`,
  ];
  const one = R['queue.deliver.1']?.rate;
  for (const w of WORKERS) {
    const r = R[`queue.deliver.${w}`];
    const speedup = one && r?.rate ? `${(r.rate / one).toFixed(2)}× of 1 worker` : '';
    const cores =
      r?.workerCores !== undefined
        ? `; cores busy: workers ${r.workerCores.toFixed(2)}, redis ${r.redisCores.toFixed(2)}`
        : '';
    lines.push(
      `| end to end: ${w} worker process${w > 1 ? 'es' : ''} × concurrency ${CONCURRENCY} → SMTP sink | ${cell(r, rate)} | ${speedup}${cores} |`,
    );
  }
  lines.push(
    '',
    `This machine has ${os.availableParallelism?.() ?? os.cpus().length} cores, shared by the workers, Redis, the SMTP sink and this process: past the point where the workers' and Redis's busy cores add up to them, more worker processes add no rate (they need more hosts).`,
  );
  return lines.join('\n');
}

/** The section as run.mjs registers it (`--only queue`). */
export const queueBenchSection = {
  name: 'queue',
  run: ({ node, results, P, log }) => queueSection({ node, results, quick: P.passes === 1, log }),
  render: (results) => queueTable(results),
};
