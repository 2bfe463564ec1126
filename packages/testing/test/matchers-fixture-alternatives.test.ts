import { EmailMultiAlternatives } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@mail/testing/vitest';
import { deliverTo } from './helpers.js';

// mailparser keeps only text and html; every other part of multipart/alternative (a calendar
// invite, AMP) must still be an alternative for the matchers on a fixture message, and not an
// attachment, as it is in the locmem outbox.
const ics = (uid: string) =>
  `BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nUID:${uid}\r\nSUMMARY:Café réunion\r\nEND:VCALENDAR\r\n`;
const pdf = Buffer.from('%PDF-1.4 report');

function message(subject: string): EmailMultiAlternatives {
  return new EmailMultiAlternatives({
    subject,
    body: 'Join us.',
    fromEmail: 'cal@example.com',
    to: ['ann@example.com'],
  });
}

/** Text body, HTML and calendar alternatives, and a PDF attached. */
function invite(): EmailMultiAlternatives {
  const m = message('Invite');
  m.attachAlternative('<p>Join <b>us</b></p>', 'text/html');
  m.attachAlternative(ics('alternative'), 'text/calendar; method=REQUEST');
  m.attach('report.pdf', pdf, 'application/pdf');
  return m;
}

/** A calendar alternative and an .ics attached as a file. */
function inviteWithFile(): EmailMultiAlternatives {
  const m = message('Invite with file');
  m.attachAlternative('<p>Join us</p>', 'text/html');
  m.attachAlternative(ics('alternative'), 'text/calendar; method=REQUEST');
  m.attach('invite.ics', ics('attached'), 'text/calendar; method=REQUEST');
  return m;
}

/** Only an .ics attached as a file: no calendar alternative. */
function fileOnly(): EmailMultiAlternatives {
  const m = message('File only');
  m.attachAlternative('<p>Join us</p>', 'text/html');
  m.attach('invite.ics', ics('attached'), 'text/calendar; method=REQUEST');
  return m;
}

/** An AMP alternative, quoted-printable on the wire (non-ASCII, a long line). */
function amp(): EmailMultiAlternatives {
  const m = message('AMP');
  m.attachAlternative('<p>Join us</p>', 'text/html');
  m.attachAlternative(`<!doctype html><html ⚡4email><body>${'x'.repeat(1200)}</body></html>`, 'text/x-amp-html');
  return m;
}

const builders = [invite, inviteWithFile, fileOnly, amp];
let smtp: SmtpFixture;
const outbox = builders.map((build) => build());
beforeAll(async () => {
  smtp = await startSmtpServer();
  for (const build of builders) await deliverTo(smtp, build());
});
afterAll(() => smtp.close());

describe.each([
  ['the locmem outbox', (i: number) => outbox[i]],
  ['a fixture message', (i: number) => smtp.messages[i]],
])('on %s', (_name, sent) => {
  it('sees the text body, the HTML and the calendar alternative', () => {
    expect(sent(0)).toHaveSentEmail({ body: 'Join us.', html: /<b>us<\/b>/ });
    expect(sent(0)).toHaveAlternative('text/html', /<b>us<\/b>/);
    expect(sent(0)).toHaveAlternative('text/calendar', /BEGIN:VCALENDAR/);
    expect(sent(0)).toHaveAlternative('text/calendar', /SUMMARY:Café réunion/);
    expect(sent(0)).toHaveAlternative('text/calendar; method=REQUEST', expect.stringContaining('UID:alternative'));
    expect(sent(0)).not.toHaveAlternative('text/calendar; method=CANCEL');
  });

  it('does not count the calendar alternative as an attachment', () => {
    expect(sent(0)).not.toHaveAttachment('invite.ics');
    expect(sent(0)).not.toHaveSentEmail({ attachments: [{ contentType: 'text/calendar' }] });
    expect(sent(0)).toHaveAttachment('report.pdf', { contentType: 'application/pdf', content: pdf });
    expect(sent(0)).toHaveSentEmail({ attachments: ['report.pdf'] });
  });

  it('keeps an .ics attached with attach() an attachment, with or without a calendar alternative', () => {
    expect(sent(1)).toHaveAttachment('invite.ics', { contentType: 'text/calendar', content: /UID:attached/ });
    expect(sent(1)).toHaveAlternative('text/calendar', /UID:alternative/);
    expect(sent(1)).not.toHaveAlternative('text/calendar', /UID:attached/);
    expect(sent(1)).not.toHaveAttachment('invite.ics', { content: /UID:alternative/ });
    expect(sent(1)).not.toHaveSentEmail({
      attachments: [{ contentType: 'text/calendar', content: /UID:alternative/ }],
    });
    expect(sent(2)).toHaveAttachment('invite.ics', { contentType: 'text/calendar', content: /UID:attached/ });
    expect(sent(2)).not.toHaveAlternative('text/calendar');
  });

  it('sees an AMP alternative (quoted-printable on the wire) with its content', () => {
    expect(sent(3)).toHaveAlternative('text/x-amp-html', /⚡4email/);
    expect(sent(3)).toHaveAlternative('text/x-amp-html', expect.stringContaining('x'.repeat(1200)));
    expect(sent(3)).not.toHaveSentEmail({ attachments: [{ contentType: 'text/x-amp-html' }] });
  });
});

it('the fixture as a whole sees the alternatives of its messages', () => {
  expect(smtp).toHaveAlternative('text/calendar', /UID:alternative/);
  expect(smtp).toHaveAlternative('text/x-amp-html');
  expect(smtp).not.toHaveSentEmail({ attachments: [{ contentType: 'text/x-amp-html' }] });
});
