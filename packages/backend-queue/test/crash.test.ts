import { closeProducers, EmailBackend, openQueue } from '@mail/backend-queue';
import { EmailMessage } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { hasRedis, SKIP_MESSAGE, startRedis } from './helpers/redis-server.js';
import { spawnWorker, type WorkerProcess, workerScript } from './helpers/worker-process.js';

const TOTAL = 5000;
const CONCURRENCY = 4;

async function until(what: string, probe: () => boolean | Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// 5,000 messages, 3 worker processes; one is killed with SIGKILL mid-run, another stopped and
// started again. Every message must arrive (counted by Message-ID at the SMTP fixture); the
// duplicates are reported and may not exceed the jobs the killed worker had in hand.
describe.skipIf(!hasRedis)(`crash test${hasRedis ? '' : ` (${SKIP_MESSAGE})`}`, () => {
  it(`delivers all ${TOTAL} messages when a worker is SIGKILLed and another restarted`, {
    timeout: 90_000,
  }, async () => {
    const [redis] = await Promise.all([startRedis(), workerScript()]);
    const smtp = await startSmtpServer();
    const workers: WorkerProcess[] = [];
    try {
      const backend = new EmailBackend({ redis: redis.url, queue: 'crash', deliverWith: 'smtp', keepCompleted: TOTAL });
      const ids: string[] = [];
      for (let start = 0; start < TOTAL; start += 500) {
        const batch = Array.from(
          { length: 500 },
          (_, i) =>
            new EmailMessage({
              subject: `crash ${start + i}`,
              body: `message ${start + i}`,
              fromEmail: 'from@example.com',
              to: [`to${(start + i) % 50}@example.com`],
            }),
        );
        expect(await backend.sendMessages(batch)).toBe(500);
      }
      await backend.close();
      const queue = await openQueue({ redis: redis.url, queue: 'crash' });
      for (const job of await queue.jobs(['waiting'], TOTAL)) ids.push(job.messageId!);
      expect(new Set(ids).size).toBe(TOTAL);

      // Short locks, so the killed worker's jobs come back within a second or two.
      const args = ['--redis', redis.url, '--queue', 'crash', '--concurrency', String(CONCURRENCY)];
      const timing = ['--lock-duration', '2000', '--stalled-interval', '1000'];
      const start = async () => {
        const w = await spawnWorker([...args, ...timing], smtp.backendOptions());
        workers.push(w);
        await w.ready;
        return w;
      };
      const started = Date.now();
      const [victim, restarted] = await Promise.all([start(), start(), start()]);

      await until('a third delivered', () => smtp.messages.length >= TOTAL / 3, 40_000);
      victim!.child.kill('SIGKILL');
      await victim!.exit;
      const atKill = smtp.messages.length;

      await until('half delivered', () => smtp.messages.length >= TOTAL / 2, 40_000);
      restarted!.child.kill('SIGTERM');
      expect(await restarted!.exit).toBe(0); // finished its jobs in hand
      await start();

      const received = () => new Set(smtp.messages.map((m) => m.parsed.messageId));
      await until(`all ${TOTAL} delivered`, () => received().size >= TOTAL, 60_000);
      const elapsed = (Date.now() - started) / 1000;
      await until(
        'the queue empty',
        async () => {
          const c = await queue.counts();
          return c.waiting + c.active + c.delayed === 0;
        },
        20_000,
      );
      const counts = await queue.counts();
      await queue.close();

      const got = received();
      const missing = ids.filter((id) => !got.has(id));
      const duplicates = smtp.messages.length - got.size;
      console.log(
        `crash test: ${TOTAL} queued, ${got.size} distinct delivered in ${elapsed.toFixed(1)} s ` +
          `(${Math.round(TOTAL / elapsed)}/s); SIGKILL after ${atKill}; duplicates ${duplicates} ` +
          `(bound: ${CONCURRENCY} jobs in flight in the killed worker); counts ${JSON.stringify(counts)}`,
      );
      expect(missing).toEqual([]);
      expect(counts).toMatchObject({ failed: 0, waiting: 0, active: 0, delayed: 0, completed: TOTAL });
      expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await closeProducers();
      await smtp.close();
      await redis.stop();
    }
  });
});
