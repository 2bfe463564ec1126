import { outbox } from '@mail/backend-locmem';
import { configure, EmailMessage, EmailMultiAlternatives, getConnection, resetSettings } from '@mail/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

beforeEach(() => {
  outbox.length = 0;
  configure({ emailBackend: 'locmem' });
});
afterEach(() => resetSettings());

const users = ['ann@example.com', 'bob@example.com', 'cy@example.com'];

describe('locmem keeps the message as it was when sent', () => {
  it('send() in a loop over one message: one kept copy per user', async () => {
    const msg = new EmailMessage({ subject: 's', body: 'b', fromEmail: 'app@example.com' });
    const sends: Promise<number>[] = [];
    for (const u of users) {
      msg.to = [u];
      sends.push(msg.send());
    }
    await Promise.all(sends);
    expect(outbox.map((m) => m.to)).toEqual(users.map((u) => [u]));
  });

  it('sendMessages(): changes after the call (lists, headers, attachments, alternatives, an attached message) do not reach the kept copy', async () => {
    const backend = await getConnection();
    const inner = new EmailMessage({ subject: 'inner', body: 'i', to: ['x@example.com'] });
    const msg = new EmailMultiAlternatives({
      subject: 'before',
      body: 'b',
      fromEmail: 'app@example.com',
      to: [users[0]],
      headers: { 'X-Tag': 'before' },
      attachments: [['a.txt', 'a', 'text/plain'], inner],
    });
    msg.attachAlternative('<p>before</p>', 'text/html');
    const sending = backend.sendMessages([msg]);
    msg.subject = 'after';
    msg.to.push(users[1]);
    msg.headers['X-Tag'] = 'after';
    msg.attach('b.txt', 'b', 'text/plain');
    msg.alternatives[0]!.content = '<p>after</p>';
    inner.subject = 'inner after';
    await sending;
    const [kept] = outbox;
    expect(kept!.subject).toBe('before');
    expect(kept!.to).toEqual([users[0]]);
    expect(kept!.headers['X-Tag']).toBe('before');
    expect(kept!.attachments).toHaveLength(2);
    expect((kept as unknown as EmailMultiAlternatives).alternatives[0]!.content).toBe('<p>before</p>');
    expect((kept!.attachments[1] as EmailMessage).subject).toBe('inner');
    expect(kept).not.toBe(msg);
    expect(kept).toBeInstanceOf(EmailMultiAlternatives);
  });
});
