import { EmailMessage, EmailMultiAlternatives } from '@mail/core';
import {
  type SmtpFixture,
  startSmtpServer,
  toHaveHeader,
  toHaveSentEmail,
  toHaveSentEmailCount,
  toSentEmails,
} from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@mail/testing/vitest';
import { deliverTo } from './helpers.js';

function welcome(): EmailMultiAlternatives {
  const message = new EmailMultiAlternatives({
    subject: 'Welcome, Ann',
    body: 'Hello Ann,\nwelcome aboard.\n',
    fromEmail: 'Shop <shop@example.com>',
    to: ['Ann <ann@example.com>', 'bob@example.com'],
    cc: ['carol@example.com'],
    bcc: ['audit@example.com'],
    replyTo: ['help@example.com'],
    headers: { 'X-Campaign': 'spring' },
  });
  message.attachAlternative('<p>Hello <b>Ann</b></p>', 'text/html');
  message.attach('invoice.txt', 'Total: 10 EUR', 'text/plain');
  message.attach('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png');
  return message;
}
const receipt = () =>
  new EmailMessage({ subject: 'Receipt', body: 'Thanks', fromEmail: 'shop@example.com', to: ['dave@example.com'] });

let smtp: SmtpFixture;
const outbox: EmailMessage[] = [];
beforeAll(async () => {
  smtp = await startSmtpServer();
  outbox.push(receipt(), welcome());
  await deliverTo(smtp, receipt());
  await deliverTo(smtp, welcome());
});
afterAll(() => smtp.close());

// The same expectations hold for the locmem outbox and for what reached the SMTP fixture.
describe.each([
  ['the locmem outbox', () => outbox],
  ['the SMTP fixture', () => smtp],
  ['the fixture messages array', () => smtp.messages],
])('on %s', (_name, sent) => {
  it('matches any message, not only the first', () => {
    expect(sent()).toHaveSentEmail();
    expect(sent()).toHaveSentEmail({ subject: 'Welcome, Ann' });
    expect(sent()).toHaveSentEmail({ subject: 'Receipt', to: 'dave@example.com' });
    expect(sent()).not.toHaveSentEmail({ subject: 'Receipt', to: 'ann@example.com' });
    expect(sent()).toHaveSentEmailCount(2);
    expect(sent()).not.toHaveSentEmailCount(1);
  });

  it('matches addresses with or without display name, as one address or the whole list', () => {
    expect(sent()).toHaveSentEmail({ to: 'ann@example.com' });
    expect(sent()).toHaveSentEmail({ to: 'Ann <ANN@example.com>' });
    expect(sent()).not.toHaveSentEmail({ to: 'Anna <ann@example.com>' });
    expect(sent()).toHaveSentEmail({ to: ['bob@example.com', 'ann@example.com'] });
    expect(sent()).not.toHaveSentEmail({ to: ['ann@example.com'] });
    expect(sent()).toHaveSentEmail({
      from: 'shop@example.com',
      cc: 'carol@example.com',
      replyTo: ['help@example.com'],
    });
    expect(sent()).toHaveSentEmail({ bcc: 'audit@example.com' });
    expect(sent()).not.toHaveSentEmail({ to: 'audit@example.com' });
  });

  it('accepts RegExps and asymmetric matchers', () => {
    expect(sent()).toHaveSentEmail({ subject: /^welcome/i, to: /@example\.com$/ });
    expect(sent()).toHaveSentEmail({
      subject: expect.stringContaining('Ann'),
      to: expect.arrayContaining(['bob@example.com']),
    });
    expect(sent()).toHaveSentEmail({ body: expect.stringMatching(/welcome aboard/) });
    expect(sent()).not.toHaveSentEmail({ subject: expect.stringContaining('Refund') });
  });

  it('compares bodies without caring about line endings, and finds the HTML alternative', () => {
    expect(sent()).toHaveSentEmail({ body: 'Hello Ann,\r\nwelcome aboard.' });
    expect(sent()).toHaveSentEmail({ html: /<b>Ann<\/b>/ });
    expect(sent()).not.toHaveSentEmail({ body: 'Hello Bob' });
  });

  it('checks headers and attachments as criteria', () => {
    expect(sent()).toHaveSentEmail({ headers: { 'x-campaign': 'spring', 'X-Absent': undefined } });
    expect(sent()).not.toHaveSentEmail({ headers: { 'X-Campaign': 'autumn' } });
    expect(sent()).toHaveSentEmail({ attachments: ['invoice.txt', { filename: /\.png$/, contentType: 'image/png' }] });
    expect(sent()).not.toHaveSentEmail({ attachments: ['missing.pdf'] });
  });

  it('has header, attachment and alternative matchers for one message', () => {
    const welcomeMessage = Array.isArray(sent()) ? (sent() as unknown[])[1] : (sent() as SmtpFixture).messages[1];
    expect(welcomeMessage).toHaveHeader('X-Campaign');
    expect(welcomeMessage).toHaveHeader('x-campaign', 'spring');
    expect(welcomeMessage).toHaveHeader('Subject', /Ann/);
    expect(welcomeMessage).not.toHaveHeader('X-Campaign', 'autumn');
    expect(welcomeMessage).not.toHaveHeader('Bcc');
    expect(welcomeMessage).toHaveAttachment('invoice.txt');
    expect(welcomeMessage).toHaveAttachment('invoice.txt', { contentType: 'text/plain', content: 'Total: 10 EUR' });
    expect(welcomeMessage).toHaveAttachment('logo.png', { content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    expect(welcomeMessage).not.toHaveAttachment('logo.png', { content: Buffer.from([0]) });
    expect(welcomeMessage).not.toHaveAttachment('invoice.pdf');
    expect(welcomeMessage).toHaveAlternative('text/html');
    expect(welcomeMessage).toHaveAlternative('text/html', expect.stringContaining('<b>Ann</b>'));
    expect(welcomeMessage).not.toHaveAlternative('text/html', 'nope');
    expect(welcomeMessage).not.toHaveAlternative('text/calendar');
  });
});

describe('failure messages', () => {
  const ctx = { equals: (a: unknown, b: unknown) => expect.getState().equals?.(a, b) ?? Object.is(a, b) };

  it('list what was sent and point at the closest message', () => {
    const result = toHaveSentEmail.call(ctx, outbox, { to: 'ann@example.com', subject: 'Welcome, Bob' });
    expect(result.pass).toBe(false);
    const text = result.message();
    expect(text).toContain('Expected an email matching { to: "ann@example.com", subject: "Welcome, Bob" }');
    expect(text).toContain('2 emails were sent:');
    expect(text).toContain('1. shop@example.com -> dave@example.com | "Receipt"');
    expect(text).toContain(
      '2. Shop <shop@example.com> -> Ann <ann@example.com>, bob@example.com, cc: carol@example.com, bcc: audit@example.com | "Welcome, Ann"',
    );
    expect(text).toContain('Closest is email 2, which differs in: subject.');
    expect(result.expected).toEqual({ to: 'ann@example.com', subject: 'Welcome, Bob' });
    expect(result.actual).toEqual([
      { to: ['dave@example.com'], subject: 'Receipt' },
      { to: ['Ann <ann@example.com>', 'bob@example.com'], subject: 'Welcome, Ann' },
    ]);
  });

  it('thrown by expect, for .not too, and with nothing sent', () => {
    expect(() => expect(outbox).toHaveSentEmail({ subject: 'Nope' })).toThrow(/2 emails were sent/);
    expect(() => expect(outbox).not.toHaveSentEmail({ subject: 'Receipt' })).toThrow(
      /Expected no email matching \{ subject: "Receipt" \}, but email 1 matches/,
    );
    expect(() => expect([]).toHaveSentEmail()).toThrow('Expected an email to be sent, but none was.');
    expect(() => expect([]).toHaveSentEmailCount(1)).toThrow(/Expected 1 email to be sent. No email was sent./);
    expect(toHaveSentEmailCount.call(ctx, smtp, 3)).toMatchObject({ pass: false, actual: 2, expected: 3 });
    expect(toHaveHeader.call(ctx, outbox[0], 'X-Campaign').message()).toContain('X-Campaign: (absent)');
  });

  it('reject wrong arguments with a TypeError that says what fits', () => {
    expect(() => expect(outbox).toHaveSentEmail({ subjet: 'x' } as never)).toThrow(
      /unknown criteria subjet; use subject, from/,
    );
    expect(() => expect({ nope: 1 }).toHaveSentEmail()).toThrow(
      /Expected the locmem outbox, an outbox entry, the SMTP fixture/,
    );
    expect(() => expect(outbox).toHaveSentEmailCount(-1)).toThrow(TypeError);
  });
});

describe('toSentEmails', () => {
  it('derives Bcc for fixture messages from the envelope, since Bcc is never written', () => {
    const [, fromSmtp] = toSentEmails(smtp);
    const [, fromOutbox] = toSentEmails(outbox);
    expect(fromSmtp.bcc).toEqual(['audit@example.com']);
    expect(fromOutbox.bcc).toEqual(['audit@example.com']);
    expect(smtp.messages[1].raw.toString()).not.toMatch(/^Bcc:/im);
    expect(fromSmtp.source).toBe('smtp');
    expect(fromOutbox.source).toBe('outbox');
  });
});
