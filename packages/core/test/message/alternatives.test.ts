import { EmailMultiAlternatives } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { built } from '../mime/wire-rules.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const html = '<p>This is an <strong>important</strong> message, Zoë.</p>';
const make = (extra: ConstructorParameters<typeof EmailMultiAlternatives>[0] = {}) =>
  new EmailMultiAlternatives({
    subject: 'hello',
    body: 'This is an important message.',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
    ...extra,
  });

/** The Content-Type values in order of appearance, parameters dropped. */
function structure(text: string): string[] {
  return [...text.matchAll(/^Content-Type: ([^;\r\n]+)/gim)].map((m) => m[1].toLowerCase());
}

describe('EmailMultiAlternatives', () => {
  it('sends the body and the HTML in multipart/alternative', async () => {
    const message = make();
    message.attachAlternative(html, 'text/html');
    const { text, parsed } = await built(message.message());
    expect(structure(text)).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
    expect(parsed.text?.trim()).toBe('This is an important message.');
    expect(parsed.html).toBe(html);
  });

  it('holds alternatives given as pairs as { content, mimetype }', () => {
    const message = make({ alternatives: [[html, 'text/html']] });
    message.attachAlternative('{"a":1}', 'application/json');
    expect(message.alternatives).toEqual([
      { content: html, mimetype: 'text/html' },
      { content: '{"a":1}', mimetype: 'application/json' },
    ]);
    expect(message.alternativeSubtype).toBe('alternative');
  });

  it('puts multipart/alternative inside multipart/mixed when there are attachments (Django)', async () => {
    const message = make({ alternatives: [[html, 'text/html']] });
    message.attach('report.bin', Buffer.alloc(100, 7), 'application/octet-stream');
    const { text, parsed } = await built(message.message());
    expect(structure(text)).toEqual([
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'text/html',
      'application/octet-stream',
    ]);
    expect(parsed.html).toBe(html);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['report.bin']);
  });

  it('leaves the text part out when the body is empty', async () => {
    const message = make({ body: '', alternatives: [[html, 'text/html']] });
    const { text, parsed } = await built(message.message());
    expect(structure(text)).toEqual(['multipart/alternative', 'text/html']);
    expect(parsed.html).toBe(html);
  });

  it('is a single part without alternatives or attachments', async () => {
    const { text } = await built(make().message());
    expect(structure(text)).toEqual(['text/plain']);
  });

  it('puts inline parts with a Content-ID beside the HTML in multipart/related', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const message = make({ alternatives: [['<p>Logo: <img src="cid:logo@example"></p>', 'text/html']] });
    message.attach({
      contentType: 'image/png',
      content: png,
      filename: 'logo.png',
      disposition: 'inline',
      contentId: 'logo@example',
    });
    message.attach('report.pdf', Buffer.from('%PDF'));
    const { text, parsed } = await built(message.message());
    expect(structure(text)).toEqual([
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'multipart/related',
      'text/html',
      'image/png',
      'application/pdf',
    ]);
    expect(text.replace(/\r\n[ \t]/g, ' ')).toMatch(
      /^Content-Type: multipart\/related; boundary="[^"]+"; type="text\/html"\r$/m,
    );
    expect(text).toMatch(/^Content-ID: <logo@example>$/m);
    expect(text).toMatch(/^Content-Disposition: inline; filename="logo.png"$/m);
    const logo = parsed.attachments.find((a) => a.contentType === 'image/png');
    expect(logo?.cid).toBe('logo@example');
    expect(logo?.content.equals(png)).toBe(true);
    expect(logo?.related).toBe(true);
  });

  it('relates inline parts to an HTML body when there is no HTML alternative', async () => {
    const message = make({ body: '<img src="cid:pic">' });
    message.contentSubtype = 'html';
    message.attach({
      contentType: 'image/gif',
      content: Buffer.from('GIF89a'),
      disposition: 'inline',
      contentId: '<pic>',
    });
    const { text } = await built(message.message());
    expect(structure(text)).toEqual(['multipart/related', 'text/html', 'image/gif']);
  });

  it('keeps inline parts among the attachments when there is no HTML', async () => {
    const message = make();
    message.attach({
      contentType: 'image/gif',
      content: Buffer.from('GIF89a'),
      disposition: 'inline',
      contentId: 'pic',
    });
    const { text } = await built(message.message());
    expect(structure(text)).toEqual(['multipart/mixed', 'text/plain', 'image/gif']);
  });

  it('bodyContains checks the body and every text/* alternative, not others', () => {
    const message = make({ body: 'I am content' });
    expect(message.bodyContains('I am content')).toBe(true);
    message.attachAlternative('<p>I am content.</p>', 'text/html');
    expect(message.bodyContains('I am content')).toBe(true);
    message.attachAlternative(Buffer.from('%PDF binary'), 'application/pdf');
    expect(message.bodyContains('I am content')).toBe(true);
    message.attachAlternative(Buffer.from('<p>other</p>'), 'text/html');
    expect(message.bodyContains('I am content')).toBe(false);
    expect(make({ body: 'nope' }).bodyContains('I am content')).toBe(false);
  });

  it('is a TypeError for an alternative without a mimetype', () => {
    expect(() => make().attachAlternative(html, undefined as never)).toThrow(TypeError);
    expect(() => make({ alternatives: [[html] as never] })).toThrow(TypeError);
  });

  it('uses alternativeSubtype and mixedSubtype', async () => {
    const message = make({ alternatives: [[html, 'text/html']] });
    message.alternativeSubtype = 'related';
    message.mixedSubtype = 'related';
    message.attach('a.bin', Buffer.from('x'));
    const { text } = await built(message.message());
    expect(structure(text).slice(0, 2)).toEqual(['multipart/related', 'multipart/related']);
  });
});
