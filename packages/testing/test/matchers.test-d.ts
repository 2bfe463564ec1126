import { expect, expectTypeOf, test } from 'vitest';
import '@mail/testing/vitest';
import type { EmailCriteria } from '@mail/testing';

test('the matchers are typed on expect()', () => {
  const outbox: unknown[] = [];
  expect(outbox).toHaveSentEmail();
  expect(outbox).toHaveSentEmail({ subject: 'Hi', to: ['a@example.com', /b@/], headers: { 'X-A': undefined } });
  expect(outbox).toHaveSentEmail({
    subject: expect.stringContaining('Hi'),
    attachments: ['a.pdf', { contentType: 'application/pdf' }],
  });
  expect(outbox).not.toHaveSentEmailCount(2);
  expect(outbox[0]).toHaveHeader('X-A', /1/);
  expect(outbox[0]).toHaveAttachment(/\.pdf$/, { content: Buffer.from('x') });
  expect(outbox[0]).toHaveAlternative('text/html', expect.any(String));
  expectTypeOf<EmailCriteria>().toHaveProperty('replyTo');

  // @ts-expect-error a misspelt criterion does not compile
  expect(outbox).toHaveSentEmail({ subjet: 'Hi' });
  // @ts-expect-error a subject is text, not a number
  expect(outbox).toHaveSentEmail({ subject: 42 });
  // @ts-expect-error criteria are an object, not a string
  expect(outbox).toHaveSentEmail('Hi');
  // @ts-expect-error the count is a number
  expect(outbox).toHaveSentEmailCount('1');
  // @ts-expect-error the header name is required
  expect(outbox).toHaveHeader();
  // @ts-expect-error attachment criteria name known fields only
  expect(outbox).toHaveAttachment('a.pdf', { mime: 'application/pdf' });
});
