import type { Readable } from 'node:stream';
import {
  type Alternative,
  type Attachment,
  type AttachmentItem,
  EmailMessage,
  type EmailMessageOptions,
  EmailMultiAlternatives,
  type MimeMessage,
  type MimePart,
} from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('EmailMessage types', () => {
  it('takes one options object with address lists', () => {
    new EmailMessage({
      subject: 's',
      body: 'b',
      fromEmail: 'a@b',
      to: ['a@b'],
      cc: [],
      bcc: [],
      replyTo: [],
      headers: { 'X-A': 'v' },
    });
    new EmailMessage();
    // @ts-expect-error a plain string is not a list of addresses
    new EmailMessage({ to: 'a@b' });
    // @ts-expect-error nor for cc
    new EmailMessage({ cc: 'a@b' });
    // @ts-expect-error nor for replyTo
    new EmailMessage({ replyTo: 'a@b' });
    // @ts-expect-error unknown option
    new EmailMessage({ from: 'a@b' });
    expectTypeOf<EmailMessageOptions['fromEmail']>().toEqualTypeOf<string | null | undefined>();
  });

  it('has the public properties and methods of the API', () => {
    const m = new EmailMessage();
    expectTypeOf(m.to).toEqualTypeOf<string[]>();
    expectTypeOf(m.fromEmail).toEqualTypeOf<string | null>();
    expectTypeOf(m.encoding).toEqualTypeOf<string | null>();
    expectTypeOf(m.contentSubtype).toEqualTypeOf<string>();
    expectTypeOf(m.attachments).toEqualTypeOf<AttachmentItem[]>();
    expectTypeOf(m.send).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(m.message).returns.toEqualTypeOf<MimeMessage>();
    expectTypeOf(m.recipients).returns.toEqualTypeOf<string[]>();
    expectTypeOf(m.attachFile).returns.toEqualTypeOf<void>();
    expectTypeOf(m.bodyContains).returns.toEqualTypeOf<boolean>();
    expectTypeOf<MimeMessage['stream']>().returns.toEqualTypeOf<Readable>();
  });

  it('attaches content, parts and messages', () => {
    const m = new EmailMessage();
    m.attach('a.txt', 'text');
    m.attach('a.bin', Buffer.from([1]), 'application/octet-stream');
    m.attach(null, new Uint8Array([1]));
    m.attach({ contentType: 'image/png', content: Buffer.from([]), disposition: 'inline', contentId: 'x' });
    m.attach(new EmailMessage());
    // @ts-expect-error a number is no content
    m.attach('a.txt', 42);
    // @ts-expect-error disposition is attachment or inline
    m.attach({ contentType: 'image/png', content: '', disposition: 'other' });
    expectTypeOf<MimePart['content']>().toEqualTypeOf<string | Buffer | Uint8Array | Readable>();
    expectTypeOf<Attachment>().toHaveProperty('mimetype').toEqualTypeOf<string | null>();
    new EmailMessage({ attachments: [['a.txt', 'x'], ['b.txt', 'y', 'text/plain'], new EmailMessage()] });
  });

  it('types alternatives', () => {
    const m = new EmailMultiAlternatives({ alternatives: [['<p>x</p>', 'text/html']] });
    expectTypeOf(m.alternatives).toEqualTypeOf<Alternative[]>();
    expectTypeOf(m).toMatchTypeOf<EmailMessage>();
    m.attachAlternative('<p>x</p>', 'text/html');
    // @ts-expect-error the mimetype is required
    m.attachAlternative('<p>x</p>');
  });
});
