import { EmailBackend } from '@mail/backend-smtp';
import { configure, EmailMessage, resetSettings } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(() => resetSettings());

const users = ['ann@example.com', 'bob@example.com', 'cy@example.com', 'dee@example.com'];

describe('send() sends the message as it was when called', () => {
  it('the loop that reuses one message delivers to each user, with each subject', async () => {
    await using smtp = await startSmtpServer();
    const msg = new EmailMessage({ body: 'Hello', fromEmail: 'app@example.com' });
    msg.connection = new EmailBackend(smtp.backendOptions());
    const sends: Promise<number>[] = [];
    for (const u of users) {
      msg.to = [u];
      msg.subject = `Hi ${u}`;
      sends.push(msg.send());
    }
    msg.to = ['late@example.com']; // after every call: reaches none of them
    expect(await Promise.all(sends)).toEqual([1, 1, 1, 1]);
    const got = smtp.messages.map((m) => [m.envelope.rcptTo.join(), m.parsed.subject]).sort();
    expect(got).toEqual(users.map((u) => [u, `Hi ${u}`]).sort());
  });

  it('through the default connection (the settings), the same', async () => {
    await using smtp = await startSmtpServer();
    configure({ emailHost: smtp.host, emailPort: smtp.port });
    const msg = new EmailMessage({ subject: 's', body: 'Hello', fromEmail: 'app@example.com' });
    const sends = users.map((u) => {
      msg.to = [u];
      return msg.send();
    });
    await Promise.all(sends);
    expect(smtp.messages.map((m) => m.envelope.rcptTo.join()).sort()).toEqual([...users].sort());
  });

  it('sendMessages() on a busy connection: a message changed after the call is sent as it was', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    const msg = new EmailMessage({ subject: 'first', body: 'x', fromEmail: 'app@example.com', to: [users[0]] });
    const first = backend.sendMessages([msg]);
    msg.to = [users[1]];
    msg.subject = 'second';
    const second = backend.sendMessages([msg]);
    msg.attach('late.txt', 'late', 'text/plain');
    await Promise.all([first, second]);
    const got = smtp.messages.map((m) => [m.envelope.rcptTo.join(), m.parsed.subject, m.parsed.attachments.length]);
    expect(got).toEqual([
      [users[0], 'first', 0],
      [users[1], 'second', 0],
    ]);
  });
});
