import { EmailMultiAlternatives } from '@mail/core';
import { describe, expect, it } from 'vitest';
import '@mail/testing/vitest';

// Alternatives given with parameters (`text/html; charset=utf-8`, a calendar invite with
// `method=REQUEST`) are still of their type for the matchers.
function invite(): EmailMultiAlternatives {
  const message = new EmailMultiAlternatives({
    subject: 'Invite',
    body: 'Join us.',
    fromEmail: 'cal@example.com',
    to: ['ann@example.com'],
  });
  message.attachAlternative('<p>Join <b>us</b></p>', 'text/html; charset=utf-8');
  message.attachAlternative('BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n', 'text/calendar; method=REQUEST');
  return message;
}

describe('matchers on alternatives with mimetype parameters', () => {
  it('sees an HTML alternative given as text/html; charset=utf-8', () => {
    expect([invite()]).toHaveSentEmail({ html: /<b>us<\/b>/ });
    expect(invite()).toHaveAlternative('text/html', expect.stringContaining('<b>us</b>'));
  });

  it('matches a type without parameters against an alternative that has some', () => {
    expect(invite()).toHaveAlternative('text/calendar');
    expect(invite()).toHaveAlternative('TEXT/CALENDAR', /METHOD:REQUEST/);
  });

  it('matches a type with parameters only when they match', () => {
    expect(invite()).toHaveAlternative('text/calendar; method=REQUEST');
    expect(invite()).toHaveAlternative('text/calendar;method="REQUEST"');
    expect(invite()).not.toHaveAlternative('text/calendar; method=CANCEL');
    expect(invite()).not.toHaveAlternative('text/plain');
  });

  it('matches a type with some of the parameters the alternative has, as a received part also has its charset', () => {
    const message = invite();
    message.attachAlternative('<amp/>', 'text/x-amp-html; charset=utf-8; version=1');
    expect(message).toHaveAlternative('text/x-amp-html; version=1');
    expect(message).toHaveAlternative('text/x-amp-html; charset=UTF-8');
    expect(message).not.toHaveAlternative('text/x-amp-html; version=2');
    expect(message).not.toHaveAlternative('text/x-amp-html; version=1; level=2');
  });
});
