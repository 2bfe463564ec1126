import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailMultiAlternatives } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@mail/testing/vitest';
import { deliverTo } from './helpers.js';

// An HTML message with an inline image referred to as cid:logo, and a file attached from disk:
// the matchers must see the HTML as it was sent and the file's content, on both sources.
const dir = mkdtempSync(join(tmpdir(), 'mail-matchers-'));
const csv = join(dir, 'report.csv');
writeFileSync(csv, 'id,total\n1,10\n');

function newsletter(): EmailMultiAlternatives {
  const message = new EmailMultiAlternatives({
    subject: 'News',
    body: 'See the logo.',
    fromEmail: 'shop@example.com',
    to: ['ann@example.com'],
  });
  message.attachAlternative('<p>See <img src="cid:logo"></p>', 'text/html');
  message.attach({
    contentType: 'image/png',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    filename: 'logo.png',
    disposition: 'inline',
    contentId: 'logo',
  });
  message.attachFile(csv);
  return message;
}

let smtp: SmtpFixture;
const outbox = [newsletter()];
beforeAll(async () => {
  smtp = await startSmtpServer();
  await deliverTo(smtp, newsletter());
});
afterAll(async () => {
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['the locmem outbox', () => outbox[0]],
  ['a fixture message', () => smtp.messages[0]],
])('on %s', (_name, sent) => {
  it('sees the HTML as sent, cid: references included (not rewritten to data: URLs)', () => {
    expect(sent()).toHaveSentEmail({ html: /src="cid:logo"/ });
    expect(sent()).toHaveAlternative('text/html', expect.stringContaining('cid:logo'));
  });

  it('matches the content of a file attached with attachFile', () => {
    expect(sent()).toHaveAttachment('report.csv', { contentType: 'text/csv', content: 'id,total\n1,10\n' });
    expect(sent()).toHaveAttachment('report.csv', { content: /1,10/ });
    expect(sent()).toHaveAttachment('report.csv', { content: Buffer.from('id,total\n1,10\n') });
    expect(sent()).not.toHaveAttachment('report.csv', { content: 'something else' });
  });
});

it('the fixture keeps cid: links in parsed.html', () => {
  expect(smtp.messages[0]?.parsed.html).toContain('cid:logo');
});
