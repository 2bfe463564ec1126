import { outbox as globalOutbox, EmailBackend as LocmemBackend } from '@mail/backend-locmem';
import { EmailMessage, getSettings, resetSettings } from '@mail/core';
import { currentOutbox, getOutbox, OUTBOX_KEY, waitForEmail, withOwnOutbox } from '@mail/testing';
import { setupMailTesting, useLocmemOutbox } from '@mail/testing/vitest';
import { afterAll, describe, expect, it } from 'vitest';

afterAll(() => resetSettings());

const send = (to: string, subject = `to ${to}`) =>
  new LocmemBackend().sendMessages([new EmailMessage({ subject, body: 'x', fromEmail: 'app@example.com', to: [to] })]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('useLocmemOutbox', () => {
  const outbox = useLocmemOutbox<EmailMessage>();

  it('returns an array that is, in each test, that test’s own outbox', async () => {
    expect(Array.isArray(outbox)).toBe(true);
    expect(outbox).not.toBe(getOutbox());
    expect(getOutbox()).toBe((globalThis as Record<symbol, unknown>)[OUTBOX_KEY]);
    expect(getOutbox()).toBe(globalOutbox);
    expect(setupMailTesting).toBe(useLocmemOutbox);
    await send('a@example.com');
    expect(outbox).toHaveLength(1);
    expect([...outbox]).toEqual([...globalOutbox]); // one test running: the same messages
    expect(currentOutbox()).toHaveLength(1);
  });

  it('points the default connection at locmem before each test', () => {
    expect(getSettings().emailBackend).toBe('locmem');
    outbox.push({ left: 'by this test' } as never);
    globalOutbox.push({ left: 'by this test' } as never);
  });

  it('empties the outbox before each test, in place', () => {
    expect(outbox).toEqual([]);
    expect(globalOutbox).toEqual([]);
  });

  it('keeps work running at once apart, where one shared outbox mixes it up', async () => {
    const run = (to: string, wait: number) =>
      withOwnOutbox(async () => {
        await sleep(wait);
        await send(to);
        await sleep(30);
        return currentOutbox<EmailMessage>().map((m) => m.to[0]);
      });
    expect(await Promise.all([run('a@example.com', 0), run('b@example.com', 10), run('c@example.com', 5)])).toEqual([
      ['a@example.com'],
      ['b@example.com'],
      ['c@example.com'],
    ]);
    expect(globalOutbox.map((m) => m.to[0]).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(outbox).toHaveLength(0); // the test itself sent nothing
  });

  it.concurrent.each(['x', 'y', 'z'])('concurrent test %s sees its mail through the matchers', async (name) => {
    await send(`${name}@example.com`);
    await sleep(20);
    expect(globalOutbox).toHaveSentEmailCount(1);
    expect(globalOutbox).toHaveSentEmail({ to: `${name}@example.com` });
    expect(outbox.map((m) => m.to[0])).toEqual([`${name}@example.com`]);
  });

  it('waitForEmail resolves with mail sent later, and a timeout lists what arrived', async () => {
    setTimeout(() => send('later@example.com', 'Later'), 30);
    expect((await waitForEmail(outbox, { subject: 'Later' }, { timeout: 1000 })).to).toEqual(['later@example.com']);
    await expect(waitForEmail(outbox, { to: 'never@example.com' }, { timeout: 40 })).rejects.toThrow(
      /^Waited 40 ms\. Expected an email matching \{ to: "never@example\.com" \}\.\n1 email was sent:\n {2}1\. app@example\.com -> later@example\.com \| "Later"/,
    );
    await expect(waitForEmail([], undefined, { timeout: 10 })).rejects.toThrow(
      'Waited 10 ms. Expected an email to be sent, but none was.',
    );
  });
});
