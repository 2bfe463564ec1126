import http from 'node:http';
import { EmailBackend as SmtpBackend } from '@mail/backend-smtp';
import { EmailMultiAlternatives } from '@mail/core';
import { type Inbox, InboxClient, startInbox } from '@mail/testing';
import { MailpitClient } from 'mailpit-api';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withLogoAndInvoice } from './helpers.js';

let inbox: Inbox;
let client: InboxClient;
beforeAll(async () => {
  inbox = await startInbox({ port: 0, webPort: 0, max: 5 });
  client = new InboxClient(inbox.url);
});
afterAll(() => inbox.close());
beforeEach(async () => {
  await client.clear();
  await client.setChaos({});
});

function welcome(
  to = ['ann@example.com'],
  extra: Partial<ConstructorParameters<typeof EmailMultiAlternatives>[0]> = {},
) {
  const message = new EmailMultiAlternatives({
    subject: 'Welcome aboard',
    body: 'Hi Ann,\nconfirm here: https://app.test/confirm?t=abc123.\nYour verification code is 482913.',
    fromEmail: 'Shop <shop@example.com>',
    to,
    cc: ['boss@example.com'],
    bcc: ['audit@example.com'],
    replyTo: ['help@example.com'],
    ...extra,
  });
  message.attachAlternative(
    '<p>Hi <b>Ann</b>, <a href="https://app.test/confirm?t=abc123&amp;x=1">confirm</a></p><img src="cid:logo@shop">',
    'text/html',
  );
  return withLogoAndInvoice(message, Buffer.from('%PDF-1.4 fake'));
}

async function send(...messages: EmailMultiAlternatives[]): Promise<number> {
  const backend = new SmtpBackend({ host: inbox.smtp.host, port: inbox.smtp.port });
  return backend.sendMessages(messages);
}

describe('the web inbox API (Mailpit v1 shapes)', () => {
  it('lists, shows and serves a message sent through the smtp backend', async () => {
    await send(welcome());
    const list = await client.messages();
    expect(list).toMatchObject({ total: 1, unread: 1, count: 1, messages_count: 1, start: 0 });
    const [summary] = list.messages;
    expect(summary).toMatchObject({
      From: { Name: 'Shop', Address: 'shop@example.com' },
      To: [{ Name: '', Address: 'ann@example.com' }],
      Cc: [{ Name: '', Address: 'boss@example.com' }],
      Bcc: [{ Name: '', Address: 'audit@example.com' }],
      ReplyTo: [{ Name: '', Address: 'help@example.com' }],
      Subject: 'Welcome aboard',
      Read: false,
      Attachments: 1,
      Tags: [],
      Username: '',
    });
    expect(summary.ID).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(summary.Snippet).toMatch(/^Hi Ann, confirm here/);
    expect(new Date(summary.Created).getTime()).toBeGreaterThan(Date.now() - 10_000);

    const message = await client.message('latest');
    expect(message.ID).toBe(summary.ID);
    expect(message.ReturnPath).toBe('shop@example.com');
    expect(message.HTML).toContain('cid:logo@shop');
    expect(message.Text).toContain('482913');
    expect(message.Attachments).toEqual([
      expect.objectContaining({ FileName: 'invoice.pdf', ContentType: 'application/pdf', Size: 13 }),
    ]);
    expect(message.Inline).toEqual([
      expect.objectContaining({ FileName: 'logo.png', ContentID: 'logo@shop', ContentType: 'image/png' }),
    ]);
    expect(message.Attachments[0].Checksums.SHA256).toMatch(/^[0-9a-f]{64}$/);
    expect((await client.messages()).unread).toBe(0); // reading marks it read, as Mailpit does

    const part = await client.part(message.ID, message.Attachments[0].PartID);
    expect(part.toString()).toBe('%PDF-1.4 fake');
    const headers = await client.headers(message.ID);
    expect(headers.Subject).toEqual(['Welcome aboard']);
    expect(headers['Message-Id'][0]).toMatch(/^<.+>$/);
    expect(headers.Bcc).toBeUndefined();
    expect(await client.raw(message.ID)).toMatch(/^[\s\S]*\r\nSubject: Welcome aboard\r\n/);
    expect(await client.envelope(message.ID)).toMatchObject({
      MailFrom: 'shop@example.com',
      RcptTo: ['ann@example.com', 'boss@example.com', 'audit@example.com'],
    });
  });

  it('answers the Mailpit client from npm (mailpit-api) unchanged', async () => {
    const mailpit = new MailpitClient(inbox.url);
    await send(welcome(['bob@example.com']));
    const found = await mailpit.waitForMessage({ query: 'to:bob@example.com subject:welcome' }, { timeout: 3000 });
    expect(found.Subject).toBe('Welcome aboard');
    const listed = await mailpit.listMessages();
    expect(listed.messages.map((m) => m.ID)).toEqual([found.ID]);
    expect((await mailpit.searchMessages({ query: 'nothing-like-this' })).messages_count).toBe(0);
    expect((await mailpit.getMessageHeaders(found.ID)).To).toEqual(['bob@example.com']);
    expect(await mailpit.getMessageSource()).toContain('Subject: Welcome aboard');
    const blob = await mailpit.getMessageAttachment(found.ID, found.Attachments[0].PartID);
    expect(blob.type).toBe('application/pdf');
    expect(Buffer.from(await blob.arrayBuffer()).toString()).toBe('%PDF-1.4 fake');
    expect((await mailpit.getInfo()).Messages).toBe(1);
    expect(await mailpit.renderMessageText()).toContain('482913');
    expect(await mailpit.setChaosTriggers({ Sender: { ErrorCode: 451, Probability: 0 } })).toMatchObject({
      Sender: { ErrorCode: 451, Probability: 0 },
      Authentication: { ErrorCode: 535, Probability: 0 },
    });
    await mailpit.deleteMessages({ IDs: [found.ID] });
    expect((await mailpit.listMessages()).total).toBe(0);
    await send(welcome());
    await mailpit.deleteMessages();
    expect((await mailpit.listMessages()).total).toBe(0);
  });

  it('searches subject, addresses and text, with Mailpit filters and negation', async () => {
    await send(
      welcome(),
      welcome(['cy@example.com'], { subject: 'Password reset', body: 'Reset: https://app.test/r' }),
    );
    const subjects = async (query: string) => (await client.search(query)).messages.map((m) => m.Subject);
    expect(await subjects('password')).toEqual(['Password reset']);
    expect(await subjects('"welcome aboard"')).toEqual(['Welcome aboard']);
    expect(await subjects('to:cy@example.com')).toEqual(['Password reset']);
    expect(await subjects('bcc:audit@example.com')).toHaveLength(2);
    expect(await subjects('482913')).toEqual(['Welcome aboard']);
    expect(await subjects('-subject:password')).toEqual(['Welcome aboard']);
    expect(await subjects('has:attachment from:shop')).toHaveLength(2);
    expect((await client.search('password')).total).toBe(2);
  });

  it('keeps only the last N messages', async () => {
    for (let i = 0; i < 7; i++) await send(welcome(['ann@example.com'], { subject: `n${i}` }));
    const list = await client.messages();
    expect(list.total).toBe(5);
    expect(list.messages.map((m) => m.Subject)).toEqual(['n6', 'n5', 'n4', 'n3', 'n2']);
  });

  it('waits for the next matching message (long poll) and says what arrived on timeout', async () => {
    const since = new Date();
    const waiting = client.waitForMessage({ query: 'subject:later', timeout: 3000, since });
    await send(welcome(['ann@example.com'], { subject: 'first' }));
    setTimeout(() => send(welcome(['ann@example.com'], { subject: 'later on' })), 100);
    expect((await waiting).Subject).toBe('later on');
    await expect(client.waitForMessage({ query: 'subject:never', timeout: 200 })).rejects.toThrow(
      /No message matching "subject:never" arrived within 200 ms; the inbox holds 2:\n.*"later on"\n.*"first"/,
    );
  });

  it('pulls the links and one-time codes out of a message', async () => {
    await send(welcome());
    const { Links, Codes } = await client.extract('latest');
    expect(Links).toEqual(['https://app.test/confirm?t=abc123&x=1', 'https://app.test/confirm?t=abc123']);
    expect(Codes[0]).toBe('482913');
  });

  it('injects faults: the next N senders or recipients refused with a code, DATA failed, the connection dropped', async () => {
    await client.setChaos({ Sender: { ErrorCode: 550, Count: 1 } });
    await expect(send(welcome())).rejects.toMatchObject({ responseCode: 550 });
    expect(await send(welcome())).toBe(1); // only the next one
    await client.setChaos({ Recipient: { ErrorCode: 550, Count: 1 } });
    // A message some recipients took counts as sent; the refused one is left out of the envelope.
    expect(await send(welcome(['ann@example.com', 'bob@example.com']))).toBe(1);
    expect((await client.envelope('latest')).RcptTo).toEqual([
      'bob@example.com',
      'boss@example.com',
      'audit@example.com',
    ]);
    await client.setChaos({ Data: { ErrorCode: 452, Count: 1 } });
    await expect(send(welcome())).rejects.toMatchObject({ responseCode: 452 });
    await client.setChaos({ Drop: { Stage: 'mail', Count: 1 } });
    await expect(send(welcome())).rejects.toThrow();
    expect(await send(welcome())).toBe(1);
    const delayed = await client.setChaos({ DelayMs: 150 });
    expect(delayed.DelayMs).toBe(150);
    const started = Date.now();
    await send(welcome());
    expect(Date.now() - started).toBeGreaterThanOrEqual(150 * 3);
    await expect(client.setChaos({ Sender: { ErrorCode: 200 } })).rejects.toThrow(
      /ErrorCode must be between 400 and 599/,
    );
  });

  it('accepts any AUTH credentials unless chaos refuses them', async () => {
    const transport = nodemailer.createTransport({
      host: inbox.smtp.host,
      port: inbox.smtp.port,
      ignoreTLS: true,
      auth: { user: 'dev', pass: 'secret' },
    });
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'authed', text: 'x' });
    expect((await client.messages()).messages[0].Username).toBe('dev');
    await client.setChaos({ Authentication: { ErrorCode: 535, Count: 1 } });
    await expect(
      transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 535 });
    transport.close();
  });

  it('refuses requests for another Host (DNS rebinding) while on loopback', async () => {
    const status = (host: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        http
          .get(`${inbox.url}/api/v1/messages`, { headers: { Host: host } }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
          .on('error', reject);
      });
    expect(await status('evil.example:8025')).toBe(421);
    expect(await status('localhost:8025')).toBe(200);
  });

  it('serves the HTML part with a CSP that allows no script and no remote loads, cid: rewritten', async () => {
    await send(welcome());
    const { ID } = await client.message('latest');
    const response = await fetch(`${inbox.url}/view/${ID}.html`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/img-src 'self' http:\/\/127\.0\.0\.1:\d+ data:;/);
    expect(await response.text()).toContain(`src="/api/v1/message/${ID}/part/`);
    const remote = await fetch(`${inbox.url}/view/${ID}.html?remote=1`);
    expect(remote.headers.get('content-security-policy')).toMatch(/img-src [^;]*https: http:/);
  });
});
