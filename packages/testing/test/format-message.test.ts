// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { EmailMultiAlternatives } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../src/cli/format-message.js';
import { readAlternatives } from '../src/smtp-fixture/alternatives.js';

describe('mail-debug-server output of a calendar invite', () => {
  it('shows the calendar as an alternative, not as an unnamed attachment', async () => {
    const ics = 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n';
    const message = new EmailMultiAlternatives({
      subject: 'Invite',
      body: 'Join us.',
      fromEmail: 'cal@example.com',
      to: ['ann@example.com'],
    });
    message.attachAlternative('<p>Join us.</p>', 'text/html');
    message.attachAlternative(ics, 'text/calendar; method=REQUEST');
    message.attach('agenda.txt', 'agenda', 'text/plain');
    const raw = await message.message().asBytes();
    const [parsed, alternatives] = await Promise.all([simpleParser(raw), readAlternatives(raw)]);
    const out = formatMessage({
      peer: '127.0.0.1',
      mailFrom: 'cal@example.com',
      rcptTo: ['ann@example.com'],
      raw,
      parsed,
      alternatives,
    });
    expect(out).toContain('Join us.');
    expect(out).toContain('[text/html alternative, ');
    expect(out).toContain(`[text/calendar; charset="utf-8"; method=REQUEST alternative, ${ics.length} characters]`);
    expect(out).toContain('[attachment agenda.txt, text/plain, 6 bytes]');
    expect(out).not.toMatch(/\[attachment [^\]]*text\/calendar/);
  });
});
