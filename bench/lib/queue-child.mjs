/**
 * Children of the queue section (lib/queue.mjs):
 *   node queue-child.mjs enqueue MODE COUNT REDIS_URL QUEUE   MODE: serial | concurrent | mass
 *   node queue-child.mjs worker REDIS_URL QUEUE CONCURRENCY SINK_HOST SINK_PORT
 *   node queue-child.mjs pause|resume REDIS_URL QUEUE     (resume prints {"at": ms since the epoch})
 * `enqueue` queues plain messages with sendMail() (one at a time, or 32 in flight as a web
 * server's handlers would) or sendMassMail() batches of 500, and prints {"rate"}.
 * `worker` runs startWorker() delivering through an smtp mailer to the sink; prints "ready",
 * and on SIGTERM closes and prints its CPU time as JSON.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { closeProducers, startWorker } from '@mail/backend-queue';
import { configure, sendMail, sendMassMail } from '@mail/core';
import { Queue } from 'bullmq';
import { PLAIN_FROM, PLAIN_TEXT, plainSubject, plainTo } from './workload.mjs';

const [role, ...rest] = process.argv.slice(2);

if (role === 'enqueue') {
  const [mode, countArg, redis, queue] = rest;
  const count = Number(countArg);
  configure({
    mailers: { default: { backend: 'queue', options: { redis, queue, deliverWith: 'smtp', keepCompleted: 0 } } },
  });
  const one = (i) =>
    sendMail({ subject: plainSubject(i), message: PLAIN_TEXT, fromEmail: PLAIN_FROM, recipientList: plainTo(i) });
  await one(0); // connect, load BullMQ's scripts
  const t0 = performance.now();
  let queued = 0;
  if (mode === 'serial') {
    for (let i = 1; i <= count; i++) {
      const n = await one(i);
      queued += n;
    }
  } else if (mode === 'concurrent') {
    let next = 1;
    const lane = async () => {
      while (next <= count) {
        const n = await one(next++);
        queued += n;
      }
    };
    await Promise.all(Array.from({ length: 32 }, lane));
  } else {
    for (let start = 1; start <= count; start += 500) {
      const n = Math.min(500, count - start + 1);
      const tuples = Array.from({ length: n }, (_, k) => [
        plainSubject(start + k),
        PLAIN_TEXT,
        PLAIN_FROM,
        plainTo(start + k),
      ]);
      queued += await sendMassMail(tuples);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await closeProducers();
  if (queued !== count) throw new Error(`queued ${queued} of ${count}`);
  console.log(JSON.stringify({ rate: count / seconds, seconds, count }));
} else if (role === 'worker') {
  const [redis, queue, concurrency, host, port] = rest;
  configure({
    mailers: {
      default: { backend: 'smtp', options: { host, port: Number(port) } },
      smtp: { backend: 'smtp', options: { host, port: Number(port) } },
    },
  });
  const worker = await startWorker({ redis, queue, concurrency: Number(concurrency) });
  console.log('ready');
  await once(process, 'SIGTERM');
  await worker.close();
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  process.exit(0);
} else if (role === 'pause' || role === 'resume') {
  const [redis, queue] = rest;
  const q = new Queue(queue, { connection: { url: redis } });
  await q.waitUntilReady();
  const at = Date.now();
  await (role === 'pause' ? q.pause() : q.resume());
  await q.close();
  console.log(JSON.stringify({ at }));
} else {
  console.error('usage: queue-child.mjs enqueue|worker …');
  process.exit(2);
}
