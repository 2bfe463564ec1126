import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BadHeaderError, EmailMessage, EmailMultiAlternatives } from '@mail/core';
import type { Attachment as ParsedAttachment } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';
import { built } from './wire-rules.js';

isolateSettings();

const dir = mkdtempSync(join(tmpdir(), 'mail-mimetype-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ics = [
  'BEGIN:VCALENDAR',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'SUMMARY:Réunion à Zürich',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const make = (extra: ConstructorParameters<typeof EmailMultiAlternatives>[0] = {}) =>
  new EmailMultiAlternatives({
    subject: 'Invite',
    body: 'You are invited.',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
    ...extra,
  });

/** Three messages, each given `mimetype` one way: an alternative, an attachment, a MimePart. */
function withMimetypeEverywhere(mimetype: string): EmailMultiAlternatives[] {
  const ways = [
    (m: EmailMultiAlternatives) => m.attachAlternative('x', mimetype),
    (m: EmailMultiAlternatives) => m.attach('x.ics', 'x', mimetype),
    (m: EmailMultiAlternatives) => m.attach({ contentType: mimetype, content: 'x' }),
  ];
  return ways.map((attach) => {
    const message = make();
    attach(message);
    return message;
  });
}

/** Every Content-Type header of the raw message, unfolded, in order. */
function contentTypes(text: string): string[] {
  return [...text.replace(/\r\n[ \t]/g, ' ').matchAll(/^Content-Type: (.*)$/gim)].map((m) => m[1]);
}

/** The parameters mailparser read from an attachment's Content-Type. */
function params(attachment: ParsedAttachment): Record<string, string> {
  return (attachment.headers.get('content-type') as { params: Record<string, string> }).params;
}

describe('a mimetype with parameters', () => {
  it('a calendar invite as an alternative keeps method=REQUEST next to the charset', async () => {
    const message = make();
    message.attachAlternative('<p>Invite</p>', 'text/html');
    message.attachAlternative(ics, 'text/calendar; method=REQUEST');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toContain('text/calendar; charset="utf-8"; method=REQUEST');
    expect(parsed.html).toBe('<p>Invite</p>');
    const invite = parsed.attachments.find((a) => a.contentType === 'text/calendar');
    expect(invite).toBeDefined();
    expect(params(invite as ParsedAttachment)).toMatchObject({ charset: 'utf-8', method: 'REQUEST' });
    expect((invite as ParsedAttachment).content.toString('utf8')).toBe(ics);
  });

  it('a calendar invite attached with attach(filename, content, mimetype)', async () => {
    const message = make();
    message.attach('invite.ics', ics, 'text/calendar; method=REQUEST');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toContain('text/calendar; charset="utf-8"; method=REQUEST; name="invite.ics"');
    expect(parsed.attachments).toHaveLength(1);
    const [invite] = parsed.attachments;
    expect(invite).toMatchObject({ contentType: 'text/calendar', filename: 'invite.ics' });
    expect(params(invite)).toMatchObject({ charset: 'utf-8', method: 'REQUEST', name: 'invite.ics' });
    expect(invite.content.toString('utf8')).toBe(ics);
  });

  it('a MimePart contentType with a quoted parameter, as bytes and as a stream', async () => {
    const message = make();
    message.attach({ contentType: 'text/calendar; method="REQUEST"', content: Buffer.from(ics), filename: 'a.ics' });
    message.attach({
      contentType: 'Text/Calendar ;Method = "REQUEST"',
      content: Readable.from([Buffer.from(ics)]),
      filename: 'b.ics',
    });
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text).filter((t) => t.startsWith('text/calendar'))).toEqual([
      'text/calendar; charset="utf-8"; method=REQUEST; name="a.ics"',
      'text/calendar; charset="utf-8"; method=REQUEST; name="b.ics"',
    ]);
    for (const attachment of parsed.attachments) {
      expect(params(attachment)).toMatchObject({ charset: 'utf-8', method: 'REQUEST' });
      expect(attachment.content.toString('utf8')).toBe(ics);
    }
  });

  it('type, subtype and parameter names are lowercased; values are kept as given', async () => {
    const message = make();
    message.attach('x.bin', Buffer.from([1, 2, 3]), 'Application/X-Thing; Version=A1b; Note="a; b \\"c\\" (d)"');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toContain('application/x-thing; version=A1b; note="a; b \\"c\\" (d)"; name="x.bin"');
    expect(params(parsed.attachments[0])).toMatchObject({ version: 'A1b', note: 'a; b "c" (d)' });
    expect(parsed.attachments[0].content).toEqual(Buffer.from([1, 2, 3]));
  });

  it('a non-ASCII or long parameter value goes the RFC 2231 way, lines folded', async () => {
    const message = make();
    const long = `${'x'.repeat(40)} ${'y'.repeat(60)}`;
    message.attach('x.bin', Buffer.from([1]), `application/x-thing; title="Grüße"; long="${long}"`);
    const { text, parsed } = await built(message.message());
    expect(text).not.toMatch(/Grüße/);
    expect(params(parsed.attachments[0])).toMatchObject({ title: 'Grüße', long });
  });

  it('text/html with a charset parameter is still the HTML alternative (multipart/related, bodyContains)', async () => {
    const message = make();
    message.attachAlternative('<p>Logo <img src="cid:logo"> invited</p>', 'text/html; charset=utf-8');
    message.attach({
      contentType: 'image/png',
      content: Buffer.from([0x89, 0x50]),
      filename: 'logo.png',
      disposition: 'inline',
      contentId: 'logo',
    });
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text).map((t) => t.split(';')[0])).toEqual([
      'multipart/alternative',
      'text/plain',
      'multipart/related',
      'text/html',
      'image/png',
    ]);
    expect(contentTypes(text)).toContain('text/html; charset="utf-8"');
    expect(parsed.html).toContain('<p>Logo');
    expect(message.bodyContains('invited')).toBe(true);
    expect(message.bodyContains('Logo')).toBe(false);
  });

  it('bodyContains searches a text/* alternative with parameters', () => {
    const message = make({ body: 'Réunion' });
    message.attachAlternative(ics, 'text/calendar; method=REQUEST');
    expect(message.bodyContains('Réunion')).toBe(true);
    message.attachAlternative('nothing here', 'TEXT/PLAIN; format=flowed');
    expect(message.bodyContains('Réunion')).toBe(false);
  });

  it('uses a charset parameter of a text part as its charset when it can encode to it', async () => {
    const message = make();
    message.attach('latin.txt', 'café', 'text/plain; charset=ISO-8859-1');
    message.attach('ascii.txt', 'plain', 'text/plain; charset="us-ascii"');
    message.attach('wide.txt', 'café €', 'text/plain; charset=iso-8859-1');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toEqual(
      expect.arrayContaining([
        'text/plain; charset="iso-8859-1"; name="latin.txt"',
        'text/plain; charset="us-ascii"; name="ascii.txt"',
        'text/plain; charset="utf-8"; name="wide.txt"',
      ]),
    );
    expect(text).toContain('caf=E9');
    expect(parsed.attachments.map((a) => a.content.toString(a.filename === 'latin.txt' ? 'latin1' : 'utf8'))).toEqual([
      'café',
      'plain',
      'café €',
    ]);
  });

  it('refuses a charset parameter it cannot encode a string to, naming it', () => {
    const message = make();
    message.attach('sjis.txt', 'テキスト', 'text/plain; charset=shift_jis');
    expect(() => message.message()).toThrow(TypeError);
    expect(() => message.message()).toThrow(/shift_jis/);
  });

  it('sends bytes and files with another charset as they are, labelled with it', async () => {
    const path = join(dir, 'sjis.txt');
    const sjis = Buffer.from([0x83, 0x65, 0x83, 0x4c, 0x83, 0x58, 0x83, 0x67]);
    writeFileSync(path, sjis);
    const message = make();
    message.attach('bytes.txt', sjis, 'text/plain; charset=shift_jis');
    message.attachFile(path, 'text/plain; charset=Shift_JIS');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toEqual(
      expect.arrayContaining([
        'text/plain; charset="shift_jis"; name="bytes.txt"',
        'text/plain; charset="shift_jis"; name="sjis.txt"',
      ]),
    );
    for (const attachment of parsed.attachments) expect(attachment.content.equals(sjis)).toBe(true);
  });

  it('never lets the user set the boundary', () => {
    for (const mimetype of [
      'multipart/mixed; boundary=abc',
      'text/plain; BOUNDARY="x"',
      'application/octet-stream; boundary=x',
    ]) {
      const message = make();
      message.attach('x.txt', 'x', mimetype);
      expect(() => message.message(), mimetype).toThrow(TypeError);
      expect(() => message.message(), mimetype).toThrow(/boundary/);
    }
  });

  it.each([
    ['text/plain; method', /parameter/],
    ['text/plain; =REQUEST', /parameter/],
    ['text/plain; method=', /parameter/],
    ['text/plain; method="REQUEST', /quoted/],
    ['text/plain method=REQUEST', /mimetype/],
    ['text/plain; method=REQ UEST', /parameter/],
    ['text/plain; method=REQUEST; method=CANCEL', /twice/],
    ['text/plain; a=b;; c=d', /parameter/],
    ['text/plain; a=(comment)', /parameter/],
    ['text/plain; a*=utf-8', /parameter/],
    ['text/plain; a=é', /parameter/],
    ['text; a=b', /mimetype/],
    [' text/plain; a=b', /mimetype/],
    [`text/${'x'.repeat(300)}`, /255/],
    [`text/${'x'.repeat(300)}; a=b`, /255/],
    [`text/plain; ${'k'.repeat(128)}=v`, /parameter/],
  ])('refuses %j with a TypeError saying what is wrong', (mimetype, reason) => {
    for (const message of withMimetypeEverywhere(mimetype)) {
      expect(() => message.message()).toThrow(TypeError);
      expect(() => message.message()).toThrow(reason);
    }
  });

  it.each([
    'text/calendar; method=REQUEST\r\nX-Injected: yes',
    'text/calendar; method="REQUEST\nX-Injected: yes"',
    'text/calendar; method="a\u2028b"',
    'text/calendar; method="a\u2029b"',
    'text/calendar; method="a\u0085b"',
    'text/calendar; method="a\u0000b"',
    'text/calendar; method=a\u007fb',
    'text/calendar; method="a\\\rb"',
  ])('refuses line breaks and control characters in parameters: %j', (mimetype) => {
    for (const message of withMimetypeEverywhere(mimetype)) {
      expect(() => message.message()).toThrow(BadHeaderError);
    }
  });

  it('a name parameter given by the user replaces the one made from the filename', async () => {
    const message = make();
    message.attach('invite.ics', ics, 'text/calendar; method=REQUEST; name="Invite.ics"');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toContain('text/calendar; charset="utf-8"; method=REQUEST; name=Invite.ics');
    expect(parsed.attachments[0].filename).toBe('invite.ics');
  });

  it('a charset on a non-text type is passed through and the string encoded in it', async () => {
    const message = make();
    message.attach('data.json', '{"a":"é"}', 'application/json; charset=iso-8859-1');
    message.attach('data2.json', '{"a":"é"}', 'application/json; charset=utf-8');
    message.attach('plain.json', '{"a":"é"}', 'application/json');
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toEqual(
      expect.arrayContaining([
        'application/json; charset=iso-8859-1; name="data.json"',
        'application/json; charset=utf-8; name="data2.json"',
        'application/json; name="plain.json"',
      ]),
    );
    expect(parsed.attachments[0].content).toEqual(Buffer.from('{"a":"é"}', 'latin1'));
    expect(parsed.attachments[1].content).toEqual(Buffer.from('{"a":"é"}', 'utf8'));
    expect(parsed.attachments[2].content).toEqual(Buffer.from('{"a":"é"}', 'utf8'));
  });

  it('the plain mimetype path is unchanged', async () => {
    const message = make();
    message.attach('x.txt', 'x', 'TEXT/PLAIN');
    const { text } = await built(message.message());
    expect(contentTypes(text)).toContain('text/plain; charset="utf-8"; name="x.txt"');
  });
});

describe('a text file or stream part has a charset', () => {
  const accents = 'Crème brûlée, naïve café, Grüße, Ελληνικά\n';

  it('attachFile of a UTF-8 text file is sent with charset utf-8, streamed', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, accents);
    const message = new EmailMessage({
      subject: 's',
      body: 'b',
      fromEmail: 'from@example.com',
      to: ['to@example.com'],
    });
    message.attachFile(path);
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toContain('text/plain; charset="utf-8"; name="notes.txt"');
    const [notes] = parsed.attachments;
    expect(notes.contentType).toBe('text/plain');
    expect(params(notes).charset).toBe('utf-8');
    expect(notes.content.toString('utf8')).toBe(accents);
  });

  it('the charset is utf-8 whatever the message encoding: the file is not re-encoded', async () => {
    const path = join(dir, 'notes2.csv');
    writeFileSync(path, accents);
    const message = new EmailMessage({
      subject: 's',
      body: 'b',
      fromEmail: 'from@example.com',
      to: ['to@example.com'],
    });
    message.encoding = 'iso-8859-1';
    message.attachFile(path);
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toContain('text/csv; charset="utf-8"; name="notes2.csv"');
    expect(parsed.attachments[0].content.toString('utf8')).toBe(accents);
  });

  it('a text Readable in a MimePart is sent with charset utf-8', async () => {
    const message = make();
    message.attach({
      contentType: 'text/plain',
      content: Readable.from([Buffer.from(accents)]),
      filename: 'stream.txt',
    });
    const { parsed } = await built(message.message());
    expect(params(parsed.attachments[0]).charset).toBe('utf-8');
    expect(parsed.attachments[0].content.toString('utf8')).toBe(accents);
  });

  it('a non-text file gets no charset', async () => {
    const path = join(dir, 'doc.pdf');
    writeFileSync(path, '%PDF-1.4 é');
    const message = make();
    message.attachFile(path);
    message.attach({ contentType: 'image/png', content: Readable.from([Buffer.from([1, 2])]), filename: 'p.png' });
    const { text, parsed } = await built(message.message());
    expect(contentTypes(text)).toEqual(
      expect.arrayContaining(['application/pdf; name="doc.pdf"', 'image/png; name="p.png"']),
    );
    for (const attachment of parsed.attachments) expect(params(attachment).charset).toBeUndefined();
  });
});
