import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  closeProducers,
  deliverLater,
  EmailBackend,
  type MailQueue,
  MessageTooLargeError,
  openQueue,
  QueueBackend,
  queuedJobOf,
} from '@mail/backend-queue';
import {
  ConfigurationError,
  configure,
  EmailMessage,
  getConnection,
  mailAdmins,
  resetSettings,
  SendError,
  sendMail,
  sendMassMail,
} from '@mail/core';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasRedis, SKIP_MESSAGE, startRedis, type TestRedis } from './helpers/redis-server.js';
import { mailSources } from './helpers/worker-process.js';

const PASSWORD = 'S3cret-smtp-pa55word';

describe.skipIf(!hasRedis)(`queue backend on a real redis-server${hasRedis ? '' : ` (${SKIP_MESSAGE})`}`, () => {
  let redis: TestRedis;
  let queue: MailQueue;
  let client: Redis;
  let name = 0;
  let queueName = 'mail';

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await closeProducers();
    client?.disconnect();
    await redis?.stop();
  });
  beforeEach(async () => {
    resetSettings();
    await queue?.close();
    queueName = `q${++name}`;
    queue = await openQueue({ redis: redis.url, queue: queueName });
    configure({
      mailers: {
        default: { backend: 'queue', options: { redis: redis.url, queue: queueName, deliverWith: 'smtp' } },
        smtp: { backend: 'smtp', options: { host: 'smtp.example.com', username: 'me', password: PASSWORD } },
      },
      admins: [['Ops', 'ops@example.com']],
    });
  });

  it('resolves sendMail() to the number queued, once the job is in Redis', async () => {
    const sent = await sendMail({
      subject: 'Hi',
      message: 'Queued',
      fromEmail: 'a@example.com',
      recipientList: ['b@example.com'],
    });
    expect(sent).toBe(1);
    expect(await queue.counts()).toEqual({ waiting: 1, active: 0, delayed: 0, completed: 0, failed: 0 });
    const [job] = await queue.jobs();
    expect(job).toMatchObject({ deliverWith: 'smtp', state: 'waiting', queue: queueName });
    expect(job!.message.to).toEqual(['b@example.com']);
  });

  it('keeps the message byte for byte, Message-ID and Date fixed at enqueue, attachments and files included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'queue-attach-'));
    const file = path.join(dir, 'report.bin');
    const fileBytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    writeFileSync(file, fileBytes);
    const message = new EmailMessage({
      subject: 'Zoë’s report',
      body: 'Bonjour ☃',
      fromEmail: 'Zoë <zoe@example.com>',
      to: ['b@example.com'],
      bcc: ['hidden@example.com'],
    });
    message.attach('data.bin', Buffer.from([0, 1, 2, 255]), 'application/octet-stream');
    message.attachFile(file);
    expect(await message.send()).toBe(1);
    const [job] = await queue.jobs();
    const raw = await job!.message.message().asBytes();
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Zoë’s report');
    expect(parsed.text?.trim()).toBe('Bonjour ☃');
    expect(parsed.messageId).toBe(job!.messageId);
    expect(parsed.date).toBeInstanceOf(Date);
    expect(parsed.attachments.map((a) => [a.filename, a.content.length])).toEqual([
      ['data.bin', 4],
      ['report.bin', 3000],
    ]);
    expect(parsed.attachments[1]!.content.equals(fileBytes)).toBe(true);
    // The queuing host's path is not in the job: the file's bytes are.
    const stored = await client.hget(`bull:${queueName}:${job!.id}`, 'data');
    expect(stored).not.toContain(dir);
    // Bcc is in the envelope and the fields, never in the bytes.
    expect(job!.message.recipients()).toContain('hidden@example.com');
    expect(raw.toString()).not.toContain('hidden@example.com');
    // Reading the job twice gives the same bytes (nothing is rebuilt on the way).
    const [again] = await queue.jobs();
    expect((await again!.message.message().asBytes()).equals(raw)).toBe(true);
  });

  it('never puts the SMTP password (or any setting) in Redis', async () => {
    configure({ emailHostPassword: PASSWORD });
    await sendMail({ subject: 'S', message: 'B', fromEmail: 'a@example.com', recipientList: ['b@example.com'] });
    await sendMassMail([['M', 'B', 'a@example.com', ['c@example.com']]]);
    await mailAdmins({ subject: 'Alert', message: 'Down' });
    // Every key of the database, every value, whatever its type.
    const dump: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      dump.push(key);
      if (type === 'string') dump.push((await client.get(key)) ?? '');
      else if (type === 'hash') dump.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'list') dump.push(JSON.stringify(await client.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(JSON.stringify(await client.zrange(key, 0, -1)));
      else if (type === 'set') dump.push(JSON.stringify(await client.smembers(key)));
      else if (type === 'stream') dump.push(JSON.stringify(await client.xrange(key, '-', '+')));
    }
    const all = dump.join('\n');
    expect(all).toContain('Alert'); // the jobs are in the dump
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(all).not.toContain('smtp.example.com');
  });

  it('queues a sendMassMail() batch whole, in order', async () => {
    // One addBulk (BullMQ pipelines it: one round trip); each job is one script call in Redis.
    const tuples = Array.from(
      { length: 50 },
      (_, i) => [`M${i}`, 'B', 'a@example.com', [`r${i}@example.com`]] as const,
    );
    expect(await sendMassMail(tuples)).toBe(50);
    expect((await queue.counts()).waiting).toBe(50);
    const subjects = (await queue.jobs()).map((j) => j.message.subject);
    expect(subjects).toEqual(tuples.map((t) => t[0]));
  });

  it('works through mailAdmins() and send({ using })', async () => {
    await mailAdmins({ subject: 'Disk full', message: 'Now' });
    const message = new EmailMessage({
      subject: 'Via using',
      body: 'x',
      fromEmail: 'a@example.com',
      to: ['u@example.com'],
    });
    expect(await message.send({ using: 'default' })).toBe(1);
    const jobs = await queue.jobs();
    expect(jobs.map((j) => j.message.subject)).toEqual(['[Mail] Disk full', 'Via using']);
    expect(jobs[0]!.message.to).toEqual(['Ops <ops@example.com>']);
    expect(queuedJobOf(message)).toEqual({ id: jobs[1]!.id, queue: queueName });
  });

  it('delays and prioritises: per message with deliverLater(), or for a whole mailer', async () => {
    const soon = deliverLater(new EmailMessage({ subject: 'Later', to: ['a@example.com'] }), {
      delay: 60_000,
      priority: 3,
    });
    const at = new Date(Date.now() + 3_600_000);
    const dated = deliverLater(new EmailMessage({ subject: 'At', to: ['a@example.com'] }), { at });
    expect(await soon.send()).toBe(1);
    expect(await dated.send()).toBe(1);
    await using backend = new EmailBackend({ redis: redis.url, queue: queueName, priority: 7 });
    expect(await backend.sendMessages([new EmailMessage({ subject: 'Now', to: ['a@example.com'] })])).toBe(1);
    expect(await queue.counts()).toMatchObject({ waiting: 1, delayed: 2 });
    const jobs = await queue.jobs(['waiting', 'delayed']);
    const bySubject = Object.fromEntries(jobs.map((j) => [j.message.subject, j]));
    expect(bySubject.Later!.sendAfter - bySubject.Later!.queuedAt).toBeGreaterThanOrEqual(59_000);
    expect(bySubject.Later!.priority).toBe(3);
    expect(Math.abs(bySubject.At!.sendAfter - at.getTime())).toBeLessThan(2000);
    expect(bySubject.Now).toMatchObject({ priority: 7, state: 'waiting' });
    expect(() => deliverLater(soon, { delay: -1 })).toThrow(TypeError);
    expect(() => deliverLater(soon, { priority: 0 })).toThrow(/priority/);
    expect(() => new EmailBackend({ delay: Number.NaN })).toThrow(ConfigurationError);
  });

  it('refuses a message over maxMessageBytes before reading it, and queues nothing of the batch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'queue-big-'));
    const big = path.join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(200_000, 1));
    await using backend = new EmailBackend({ redis: redis.url, queue: queueName, maxMessageBytes: 100_000 });
    const small = new EmailMessage({ subject: 'ok', to: ['a@example.com'] });
    const large = new EmailMessage({ subject: 'big', to: ['a@example.com'] });
    large.attachFile(big);
    const error = await backend.sendMessages([small, large]).catch((e) => e);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error.message).toMatch(
      /Message 2 cannot be queued.*big\.bin.*maxMessageBytes.*Nothing of this batch was queued/s,
    );
    const inline = new EmailMessage({ subject: 'inline', to: ['a@example.com'] });
    inline.attach('x.bin', Buffer.alloc(150_000, 2));
    await expect(backend.sendMessages([inline])).rejects.toThrow(/MB built/);
    expect((await queue.counts()).waiting).toBe(0);
  });

  it('reads EMAIL_URL: queue://host:port/name?deliverWith=…', async () => {
    resetSettings();
    configure({ emailUrl: `queue://127.0.0.1:${redis.port}/${queueName}?deliverWith=bulk` });
    const backend = await getConnection();
    expect(backend).toBeInstanceOf(QueueBackend);
    expect(backend).toMatchObject({ queueName, deliverWith: 'bulk', redis: `redis://127.0.0.1:${redis.port}/0` });
    expect(await sendMail({ subject: 'URL', message: 'x', fromEmail: null, recipientList: ['a@example.com'] })).toBe(1);
    expect((await queue.jobs())[0]).toMatchObject({ deliverWith: 'bulk' });
    configure({ emailUrl: 'queue://127.0.0.1/mail?deliverwith=x' });
    await expect(getConnection()).rejects.toThrow(/unknown parameter "deliverwith"/);
  });

  it('fails fast with a clear, transient SendError when Redis is not there', async () => {
    await using backend = new EmailBackend({ redis: 'redis://127.0.0.1:1', queue: queueName });
    const started = Date.now();
    const error = await backend
      .sendMessages([new EmailMessage({ subject: 'x', to: ['a@example.com'] })])
      .catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ transient: true, sent: 0 });
    expect(error.message).toMatch(/Could not queue the message on queue "q\d+" at redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('checks its options', () => {
    expect(() => new EmailBackend({ redis: 'http://x' })).toThrow(/redis: or rediss:/);
    expect(() => new EmailBackend({ queue: 'a b' })).toThrow(/queue is a non-empty name/);
    expect(() => new EmailBackend({ attempts: 0 })).toThrow(/attempts/);
    expect(() => new EmailBackend({ redis: 'redis://u:hunter2@h', quee: 'x' } as never)).toThrow(
      /Did you mean "queue"/,
    );
    expect(() => new EmailBackend({ redis: 'redis://u:hunter2@h:x' })).not.toThrow(/hunter2/);
  });
});

describe.skipIf(!hasRedis)('a script that queues a message', () => {
  it('exits at once: the shared connection does not hold the process', async () => {
    const redis = await startRedis();
    try {
      const pkg = fileURLToPath(new URL('..', import.meta.url));
      const { build } = await import('esbuild');
      const out = `${pkg}node_modules/.cache/queue-send-once-${process.pid}.mjs`;
      await build({
        stdin: {
          contents: `import { EmailMessage } from '@mail/core';
            import { EmailBackend } from '@mail/backend-queue';
            const backend = new EmailBackend({ redis: process.argv[2] });
            const n = await backend.sendMessages([new EmailMessage({ subject: 'once', to: ['a@example.com'] })]);
            console.log('queued', n);`,
          resolveDir: pkg,
          loader: 'ts',
        },
        outfile: out,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        plugins: [mailSources],
        logLevel: 'silent',
      });
      const started = Date.now();
      const output = execFileSync(process.execPath, [out, redis.url], { encoding: 'utf8', timeout: 15_000 });
      expect(output.trim()).toBe('queued 1');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await redis.stop();
    }
  });
});
