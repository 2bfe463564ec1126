import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeProducers, EmailBackend, openQueue } from '@mail/backend-queue';
import { EmailMessage } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dkimOption, mailauthVerdicts, rsaKey } from '../../core/test/dkim/verifiers.js';
import { hasRedis, SKIP_MESSAGE, startRedis, type TestRedis } from './helpers/redis-server.js';
import { spawnWorker, type WorkerProcess, workerScript } from './helpers/worker-process.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
// The command as published runs dist/ (CI builds before testing; locally, after `pnpm build`).
const builtCli =
  ['backend-queue', 'core', 'backend-smtp'].every((p) =>
    existsSync(fileURLToPath(new URL(`../../${p}/dist/index.js`, import.meta.url))),
  ) && existsSync(`${pkg}dist/cli.js`);

const message = (subject: string, to = 'to@example.com') =>
  new EmailMessage({ subject, body: `Body of ${subject}`, fromEmail: 'from@example.com', to: [to] });

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasRedis)(`mail-worker processes${hasRedis ? '' : ` (${SKIP_MESSAGE})`}`, () => {
  let redis: TestRedis;
  let smtp: SmtpFixture;
  let workers: WorkerProcess[] = [];
  let n = 0;
  let queueName: string;
  let backend: EmailBackend;

  beforeAll(async () => {
    [redis] = await Promise.all([startRedis(), workerScript()]);
  });
  afterAll(async () => {
    await closeProducers();
    await redis?.stop();
  });
  beforeEach(async () => {
    smtp = await startSmtpServer();
    queueName = `w${++n}`;
    // Short backoff, so retries happen within the test.
    backend = new EmailBackend({ redis: redis.url, queue: queueName, deliverWith: 'smtp', backoff: 100, attempts: 3 });
  });
  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    workers = [];
    await backend.close();
    await smtp.close();
  });

  const worker = async (...args: string[]) => {
    const w = await spawnWorker(['--redis', redis.url, '--queue', queueName, ...args], smtp.backendOptions());
    workers.push(w);
    await w.ready;
    return w;
  };
  const cli = async (...args: string[]) => {
    const w = await spawnWorker([...args, '--redis', redis.url, '--queue', queueName], smtp.backendOptions());
    const code = await w.exit;
    return { code, stdout: w.stdout(), stderr: w.stderr() };
  };

  it('sends each job through deliverWith, the bytes exactly as queued', async () => {
    await worker('--concurrency', '2');
    const messages = [message('one'), message('two'), message('three', 'x@example.com')];
    expect(await backend.sendMessages(messages)).toBe(3);
    await until('3 messages', () => smtp.messages.length === 3);
    const queue = await openQueue({ redis: redis.url, queue: queueName });
    await until('3 completed', async () => (await queue.counts()).completed === 3);
    const jobs = await queue.jobs(['completed']);
    await queue.close();
    for (const job of jobs) {
      const received = smtp.messages.find((m) => m.parsed.messageId === job.messageId)!;
      expect(received, job.messageId ?? '').toBeDefined();
      const queued = (await job.message.message().asBytes()).toString('latin1');
      // SMTP ends the data with CRLF before the final dot (RFC 5321 §4.1.1.4): the one byte pair SMTP adds.
      expect(received.raw.toString('latin1')).toBe(queued.endsWith('\r\n') ? queued : `${queued}\r\n`);
      expect(received.envelope).toMatchObject({ mailFrom: 'from@example.com', rcptTo: job.message.recipients() });
    }
  });

  it("the worker's mailer signs with its own DKIM key: the queued bytes arrive signed and verifiable", async () => {
    const key = rsaKey('queue');
    const w = await spawnWorker(['--redis', redis.url, '--queue', queueName], {
      ...smtp.backendOptions(),
      dkim: dkimOption(key),
    });
    workers.push(w);
    await w.ready;
    await backend.sendMessages([message('signed on the worker')]);
    await until('delivered', () => smtp.messages.length === 1);
    const raw = smtp.messages[0]!.raw;
    expect(raw.toString('latin1')).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;.* s=queue;/s);
    expect(await mailauthVerdicts(raw, [key])).toEqual(['pass']);
  });

  it('retries a transient failure with backoff; a permanent one goes to the failed set with its reason, tried once', async () => {
    smtp.faults.failFirst = { count: 2, code: 451, message: 'try later' };
    smtp.faults.rejectRecipients = { 'gone@example.com': { code: 550, message: 'no such user' } };
    const w = await worker();
    await backend.sendMessages([message('flaky')]);
    await until('the flaky one', () => smtp.messages.some((m) => m.parsed.subject === 'flaky'));
    await backend.sendMessages([message('doomed', 'gone@example.com')]);
    const queue = await openQueue({ redis: redis.url, queue: queueName });
    await until('1 failed', async () => (await queue.counts()).failed === 1);
    const [failed] = await queue.jobs(['failed']);
    expect(failed).toMatchObject({ attemptsMade: 1 });
    expect(failed!.failedReason).toMatch(/550.*no such user/);
    expect(w.stderr()).toMatch(/will be retried \(attempt 1\).*451/);
    expect(w.stderr()).toMatch(/failed:.*550/);
    const rcpt = smtp.events.filter((e) => e.type === 'rcpt' && e.address === 'gone@example.com');
    expect(rcpt).toHaveLength(1); // not retried
    expect(smtp.messages.filter((m) => m.parsed.subject === 'flaky')).toHaveLength(1);

    // Visibility and management from the command.
    expect((await cli('counts')).stdout).toMatch(/failed\s+1/);
    expect((await cli('failed')).stdout).toMatch(new RegExp(`${failed!.id}\\t.*gone@example.com.*550`));
    delete smtp.faults.rejectRecipients;
    expect((await cli('retry-failed')).stdout).toMatch(/retrying 1 failed job/);
    await until('the retried one', () => smtp.messages.some((m) => m.parsed.subject === 'doomed'));
    await until('0 failed', async () => (await queue.counts()).failed === 0);
    smtp.faults.rejectRecipients = { 'gone@example.com': 550 };
    await backend.sendMessages([message('doomed again', 'gone@example.com')]);
    await until('1 failed', async () => (await queue.counts()).failed === 1);
    expect((await cli('drop-failed')).stdout).toMatch(/dropped 1 failed job/);
    expect(await queue.counts()).toMatchObject({ failed: 0, waiting: 0 });
    await queue.close();
  });

  it('does not send again a job the accepted-message record has (a worker died after the server accepted it)', async () => {
    expect(await backend.sendMessages([message('accepted before')])).toBe(1);
    const queue = await openQueue({ redis: redis.url, queue: queueName });
    const [job] = await queue.jobs();
    // What a worker writes right after its mailer accepted the message.
    const client = new Redis(redis.url);
    await client.set(`bull:${queueName}:accepted:${job!.id}`, job!.messageId!);
    client.disconnect();
    const w = await worker('--verbose');
    await until('completed', async () => (await queue.counts()).completed === 1);
    expect(w.stdout()).toMatch(/already accepted: not sent again/);
    await backend.sendMessages([message('sent once')]);
    await until('completed', async () => (await queue.counts()).completed === 2);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['sent once']);
    await queue.close();
  });

  it('SIGTERM finishes the job in hand, then exits 0', async () => {
    smtp.faults.delay = { data: 1500 };
    const w = await worker();
    await backend.sendMessages([message('slow')]);
    const queue = await openQueue({ redis: redis.url, queue: queueName });
    await until('active', async () => (await queue.counts()).active === 1);
    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    expect(w.stdout()).toMatch(/finishing the jobs in hand[\s\S]*stopped/);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['slow']);
    expect(await queue.counts()).toMatchObject({ completed: 1, active: 0, waiting: 0 });
    await queue.close();
  });

  it.skipIf(!builtCli)(
    'the mail-worker command (bin, built) with --config FILE delivers through its mailers',
    async () => {
      const config = `${pkg}node_modules/.cache/mail-config-${process.pid}.mjs`;
      mkdirSync(dirname(config), { recursive: true });
      const { host, port } = smtp.backendOptions();
      writeFileSync(
        config,
        `import { configure } from '@mail/core';\nconfigure({ mailers: { default: { backend: 'dummy' }, smtp: { backend: 'smtp', options: ${JSON.stringify({ host, port })} } } });\n`,
      );
      const child = spawn(
        process.execPath,
        [`${pkg}bin/mail-worker.js`, '--redis', redis.url, '--queue', queueName, '--config', config],
        { cwd: pkg },
      );
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      try {
        await until('the worker', () => out.includes('taking jobs'), 20_000);
        await backend.sendMessages([message('via the bin')]);
        await until('delivered', () => smtp.messages.some((m) => m.parsed.subject === 'via the bin'));
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        expect((await exited)[0]).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );

  it('reports bad arguments with exit code 2', async () => {
    const bad = await cli('--concurrency', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--concurrency takes a whole number/);
    expect((await cli('launch')).stderr).toMatch(/unknown command "launch"/);
  });

  it('refuses a deliverWith resolving to the queue backend on the worker, for good', async () => {
    const w = await spawnWorker(['--redis', redis.url, '--queue', queueName], smtp.backendOptions(), {
      MAIL_TEST_DEFAULT_QUEUE: redis.url,
      MAIL_TEST_QUEUE: queueName,
    });
    workers.push(w);
    await w.ready;
    const loop = new EmailBackend({ redis: redis.url, queue: queueName, deliverWith: 'default' });
    await loop.sendMessages([message('loop')]);
    await loop.close();
    const queue = await openQueue({ redis: redis.url, queue: queueName });
    await until('1 failed', async () => (await queue.counts()).failed === 1);
    const [failed] = await queue.jobs(['failed']);
    expect(failed!.failedReason).toMatch(/resolves to the queue backend on this worker/);
    expect(failed!.attemptsMade).toBe(1);
    await queue.close();
  });
});
