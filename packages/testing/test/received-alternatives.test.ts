// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpFixture, startSmtpServer } from '../src/index.js';
import { readAlternatives } from '../src/smtp-fixture/alternatives.js';
import '../src/vitest.js';

// A calendar invite as other mailers write it: the HTML wrapped in multipart/related with an
// inline image, the calendar part base64 and in latin1, a preamble and an epilogue.
const raw = [
  'From: cal@example.com',
  'To: ann@example.com',
  'Subject: Invite',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed;',
  ' boundary="outer"',
  '',
  'This is a multi-part message in MIME format.',
  '--outer',
  'Content-Type: multipart/alternative; boundary=alt',
  '',
  '--alt',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Join us at the caf=C3=A9, it is a very long line that goes on and on and on =',
  'and on.',
  '--alt',
  'Content-Type: multipart/related; boundary="rel"',
  '',
  '--rel',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Join us <img src="cid:logo"></p>',
  '--rel',
  'Content-Type: image/png',
  'Content-ID: <logo>',
  'Content-Disposition: inline; filename=logo.png',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
  '--rel--',
  '--alt',
  'Content-Type: text/calendar; charset=iso-8859-1;',
  '  method="REQUEST"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('BEGIN:VCALENDAR\r\nSUMMARY:R\xe9union\r\nEND:VCALENDAR\r\n', 'latin1').toString('base64'),
  '--alt--',
  '',
  '--outer',
  'Content-Type: application/pdf; name="agenda.pdf"',
  'Content-Disposition: attachment; filename="agenda.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF').toString('base64'),
  '--outer--',
  'epilogue',
  '',
].join('\r\n');

describe('readAlternatives', () => {
  it('lists the parts of multipart/alternative with their Content-Type as sent and decoded content', async () => {
    const found = await readAlternatives(Buffer.from(raw, 'latin1'));
    expect(found.map(({ partId, index, type }) => ({ partId, index, type }))).toEqual([
      { partId: '1.1', index: 0, type: 'text/plain' },
      { partId: '1.3', index: 2, type: 'text/calendar' },
    ]);
    expect(found[0].content).toBe('Join us at the café, it is a very long line that goes on and on and on and on.');
    expect(found[1].contentType).toMatch(/^text\/calendar; charset=iso-8859-1; +method="REQUEST"$/);
    expect(found[1].content).toBe('BEGIN:VCALENDAR\r\nSUMMARY:Réunion\r\nEND:VCALENDAR\r\n');
  });

  it('finds none in a message without multipart/alternative', async () => {
    expect(
      await readAlternatives(Buffer.from('Subject: x\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n')),
    ).toEqual([]);
    expect(
      await readAlternatives(Buffer.from('Subject: x\r\nContent-Type: multipart/alternative\r\n\r\nno boundary\r\n')),
    ).toEqual([]);
  });
});

describe('a message from another mailer, on the fixture', () => {
  let smtp: SmtpFixture;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, ignoreTLS: true });
    await transport.sendMail({
      envelope: { from: 'cal@example.com', to: ['ann@example.com'] },
      raw: Buffer.from(raw, 'latin1'),
    });
    transport.close();
  });
  afterAll(() => smtp.close());

  it('sees the calendar as an alternative and the inline image and the PDF as attachments', () => {
    const message = smtp.messages[0];
    expect(message.alternatives.map((a) => a.type)).toEqual(['text/plain', 'text/calendar']);
    expect(message).toHaveAlternative('text/calendar; method=REQUEST', /SUMMARY:Réunion/);
    expect(message).toHaveAlternative('text/html', /cid:logo/);
    expect(message).not.toHaveSentEmail({ attachments: [{ contentType: 'text/calendar' }] });
    expect(message).toHaveAttachment('logo.png', { contentType: 'image/png' });
    expect(message).toHaveAttachment('agenda.pdf', { content: '%PDF' });
    expect(message).toHaveSentEmail({ body: /caf\u00e9/ });
  });
});
