import { RoundRobinBackend } from '@mail/backend-failover';
import { configure, EmailMessage, mailers, resetSettings, sendMail } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(() => {
  resetSettings();
  delete process.env.EMAIL_URL;
});

const message = (i: number) =>
  new EmailMessage({ subject: `m${i}`, body: 'Hello', fromEmail: 'from@example.com', to: [`u${i}@example.com`] });

function threeMailers(servers: SmtpFixture[]) {
  configure({
    mailers: {
      a: { options: servers[0]!.backendOptions() },
      b: { options: servers[1]!.backendOptions() },
      c: { options: servers[2]!.backendOptions() },
      default: { backend: 'roundrobin', options: { mailers: ['a', 'b', 'c'] } },
    },
  });
}

describe('round-robin', () => {
  it('spreads 300 messages over 3 servers, 100 ± 1 each, across batches and single sends', async () => {
    await using s1 = await startSmtpServer();
    await using s2 = await startSmtpServer();
    await using s3 = await startSmtpServer();
    const servers = [s1, s2, s3];
    threeMailers(servers);
    let n = 0;
    // 10 batches of 20, each through a new backend of the default mailer…
    for (let b = 0; b < 10; b++) {
      const backend = await mailers.get('default');
      expect(backend).toBeInstanceOf(RoundRobinBackend);
      expect(await backend.sendMessages(Array.from({ length: 20 }, () => message(n++)))).toBe(20);
    }
    // …and 100 single sends on one open connection, as a worker sending one at a time makes them.
    await using connection = await mailers.get('default');
    await connection.open();
    for (let i = 0; i < 100; i++)
      await sendMail({
        subject: `m${n++}`,
        message: 'x',
        fromEmail: null,
        recipientList: ['z@example.com'],
        connection,
      });
    const counts = servers.map((s) => s.messages.length);
    expect(counts.reduce((x, y) => x + y)).toBe(300);
    for (const count of counts) expect(Math.abs(count - 100)).toBeLessThanOrEqual(1);
    // In turn: consecutive messages never go to the same server.
    const where = new Map<string, number>();
    servers.forEach((s, k) => {
      for (const m of s.messages) where.set(m.parsed.subject!, k);
    });
    for (let i = 1; i < 300; i++) expect(where.get(`m${i}`)).not.toBe(where.get(`m${i - 1}`));
  }, 60_000);

  it('starts at a random member', async () => {
    await using s1 = await startSmtpServer();
    await using s2 = await startSmtpServer();
    await using s3 = await startSmtpServer();
    const firsts = new Set<number>();
    for (let run = 0; run < 12 && firsts.size < 2; run++) {
      threeMailers([s1, s2, s3]); // a new configuration: a new turn, from a random member
      const sent = message(run);
      await sent.send();
      firsts.add([s1, s2, s3].findIndex((s) => s.messages.some((m) => m.parsed.subject === `m${run}`)));
    }
    expect(firsts.size).toBeGreaterThan(1); // 12 runs on the same member: (1/3)^11
  });

  it('skips a member that is down, spreading over the others; its messages go to the next', async () => {
    await using s1 = await startSmtpServer();
    await using s2 = await startSmtpServer({ faults: { dropAt: 'greeting' } });
    await using s3 = await startSmtpServer();
    threeMailers([s1, s2, s3]);
    const backend = await mailers.get('default');
    const messages = Array.from({ length: 30 }, (_, i) => message(i));
    expect(await backend.sendMessages(messages)).toBe(30);
    expect(s2.messages).toHaveLength(0);
    expect(s2.connections).toBe(1);
    expect(Math.abs(s1.messages.length - s3.messages.length)).toBeLessThanOrEqual(1);
    expect(new Set(messages.map((m) => m.delivery!.mailer))).toEqual(new Set(['a', 'c']));
  });

  it("EMAIL_URL='roundrobin(URL URL)' spreads over the member URLs", async () => {
    await using s1 = await startSmtpServer();
    await using s2 = await startSmtpServer();
    process.env.EMAIL_URL = `roundrobin(smtp://127.0.0.1:${s1.port} smtp://127.0.0.1:${s2.port})`;
    for (let i = 0; i < 10; i++)
      await sendMail({ subject: `m${i}`, message: 'x', fromEmail: null, recipientList: ['z@example.com'] });
    expect([s1.messages.length, s2.messages.length]).toEqual([5, 5]);
  });
});
