import { outbox } from '@mail/backend-locmem';
import { getOutbox, useLocmemOutbox, waitForEmail } from '@mail/testing/vitest';
import { describe, expect, it } from 'vitest';
import { sendWelcome } from '../src/notifications.js';

// Every test gets its own outbox, even when they run at once: a shared outbox would make each of
// these see the others' welcome mails and fail.
const sent = useLocmemOutbox();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let mostInTheSharedOutbox = 0;

describe.concurrent('twenty users signing up at once', () => {
  for (let i = 0; i < 20; i++) {
    it(`user ${i} sees only their own mail`, async () => {
      await sleep((i * 7) % 13);
      await sendWelcome({ name: `User ${i}`, email: `user${i}@example.com` });
      await sleep(25); // the other tests running now send theirs meanwhile
      mostInTheSharedOutbox = Math.max(mostInTheSharedOutbox, getOutbox().length);
      expect(sent).toHaveLength(1);
      expect(sent[0].to).toEqual([`User ${i} <user${i}@example.com>`]);
      expect(outbox).toHaveSentEmailCount(1); // the matchers read the global outbox as this test's
      expect(outbox).toHaveSentEmail({ to: `user${i}@example.com`, subject: `Welcome, User ${i}` });
    });
  }
});

describe('one test at a time', () => {
  it('the shared outbox did hold several tests’ mail at once', () => {
    expect(mostInTheSharedOutbox).toBeGreaterThan(1);
  });

  it('starts a background job that sends after the test has ended', () => {
    setTimeout(() => sendWelcome({ name: 'Late', email: 'late@example.com' }), 20);
  });

  it('does not see mail an earlier test sent late', async () => {
    await sleep(80);
    expect(getOutbox()).toHaveLength(1); // in the global outbox, the Django-style one…
    expect(sent).toHaveLength(0); // …but not in this test's
    expect(outbox).toHaveSentEmailCount(0);
  });

  it('waits for mail sent later, by a background job', async () => {
    setTimeout(() => sendWelcome({ name: 'Zoe', email: 'zoe@example.com' }), 50);
    const mail = await waitForEmail(outbox, { to: 'zoe@example.com' }, { timeout: 2000 });
    expect(mail.subject).toBe('Welcome, Zoe');
  });

  it('says what did arrive when the wait times out', async () => {
    await sendWelcome({ name: 'Ann', email: 'ann@example.com' });
    await expect(waitForEmail(sent, { to: 'bob@example.com' }, { timeout: 50 })).rejects.toThrow(
      /^Waited 50 ms\. Expected an email matching \{ to: "bob@example\.com" \}\.\n1 email was sent:\n {2}1\. Shop <hello@shop\.example> -> Ann <ann@example\.com> \| "Welcome, Ann"/,
    );
  });
});
