import { closeProducers, EmailBackend, openQueue } from '@mail/backend-queue';
import { EmailMessage, SendError } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { hasRedis, SKIP_MESSAGE, startRedis } from './helpers/redis-server.js';
import { spawnWorker, workerScript } from './helpers/worker-process.js';

async function until(what: string, probe: () => boolean | Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Redis (append-only file on) is stopped and started again while the app keeps queuing and a
// worker keeps sending. Each send either resolves (then its message must arrive) or fails with
// a clear SendError; nothing acknowledged is lost.
describe.skipIf(!hasRedis)(`Redis restarted mid-run${hasRedis ? '' : ` (${SKIP_MESSAGE})`}`, () => {
  it('loses nothing acknowledged; failed sends say why', { timeout: 60_000 }, async () => {
    const [redis] = await Promise.all([startRedis(), workerScript()]);
    const smtp = await startSmtpServer();
    const worker = await spawnWorker(
      ['--redis', redis.url, '--queue', 'restart', '--lock-duration', '2000', '--stalled-interval', '1000'],
      smtp.backendOptions(),
    );
    try {
      await worker.ready;
      // timeout 1 s: a send waits at most that long for Redis to come back.
      const backend = new EmailBackend({ redis: redis.url, queue: 'restart', deliverWith: 'smtp', timeout: 1 });
      const acknowledged: string[] = [];
      const failures: Error[] = [];
      let n = 0;
      let stop = false;
      const producer = (async () => {
        while (!stop) {
          const id = `<restart.${n++}@test.example>`;
          const message = new EmailMessage({
            subject: id,
            body: 'x',
            fromEmail: 'from@example.com',
            to: ['to@example.com'],
            headers: { 'Message-ID': id },
          });
          try {
            if ((await backend.sendMessages([message])) === 1) acknowledged.push(id);
          } catch (error) {
            failures.push(error as Error);
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      })();

      await until('some acknowledged', () => acknowledged.length >= 200, 20_000);
      const before = acknowledged.length;
      await redis.restart({ downMs: 1500 }); // longer than the backend's timeout: some sends fail
      await until('sends acknowledged again', () => acknowledged.length >= before + 200, 20_000);
      stop = true;
      await producer;
      await backend.close();

      const arrived = () => new Set(smtp.messages.map((m) => m.parsed.messageId));
      await until('every acknowledged message', () => acknowledged.every((id) => arrived().has(id)), 30_000);
      const queue = await openQueue({ redis: redis.url, queue: 'restart' });
      const counts = await queue.counts();
      await queue.close();
      console.log(
        `redis restart: ${n} sends, ${acknowledged.length} acknowledged (all delivered), ${failures.length} failed with an error, ` +
          `${smtp.messages.length} delivered in all; counts ${JSON.stringify(counts)}; errors: ` +
          [...new Set(failures.map((e) => e.message.replace(/\d+/g, 'N')))].join(' | '),
      );
      expect(failures.length).toBeGreaterThan(0); // the outage was seen
      for (const error of failures) {
        expect(error).toBeInstanceOf(SendError);
        expect(error).toMatchObject({ transient: true, sent: 0 });
        expect(error.message).toMatch(
          /^Could not queue the message on queue "restart" at redis:\/\/127\.0\.0\.1:\d+: .+/,
        );
      }
      expect(counts.failed).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await closeProducers();
      await smtp.close();
      await redis.stop();
    }
  });
});
