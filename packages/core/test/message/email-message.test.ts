import { Readable } from 'node:stream';
import { BadHeaderError, configure, EmailMessage, envelopeOf } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { built, headerNames, rawHeader } from '../mime/wire-rules.js';
import { RecordingBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const basic = (extra: ConstructorParameters<typeof EmailMessage>[0] = {}) =>
  new EmailMessage({
    subject: 'Subject',
    body: 'Content',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
    ...extra,
  });

describe('EmailMessage: the basic message (Django test_ascii)', () => {
  it('writes Django headers in Django order and a 7bit body', async () => {
    const { raw, text, parsed } = await built(
      basic({ cc: ['cc@example.com'], replyTo: ['reply@example.com'] }).message(),
    );
    expect(headerNames(raw)).toEqual([
      'Content-Type',
      'MIME-Version',
      'Content-Transfer-Encoding',
      'Subject',
      'From',
      'To',
      'Cc',
      'Reply-To',
      'Date',
      'Message-ID',
    ]);
    expect(rawHeader(raw, 'Content-Type')).toBe('text/plain; charset="utf-8"');
    expect(rawHeader(raw, 'MIME-Version')).toBe('1.0');
    expect(rawHeader(raw, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(text.endsWith('\r\n\r\nContent')).toBe(true);
    expect(parsed.subject).toBe('Subject');
    expect(parsed.from?.value).toEqual([{ address: 'from@example.com', name: '' }]);
    expect(parsed.text?.trim()).toBe('Content');
  });

  it('writes Subject even when empty, and leaves out To and Cc when empty', async () => {
    const { raw } = await built(new EmailMessage({ fromEmail: 'from@example.com', bcc: ['b@example.com'] }).message());
    expect(rawHeader(raw, 'Subject')).toBe('');
    expect(headerNames(raw)).not.toContain('To');
    expect(headerNames(raw)).not.toContain('Cc');
  });

  it('never writes Bcc, but sends to it', async () => {
    const message = basic({ bcc: ['hidden@example.com'] });
    const { text } = await built(message.message());
    expect(text).not.toMatch(/hidden@example\.com/);
    expect(text).not.toMatch(/^Bcc:/im);
    expect(message.recipients()).toEqual(['to@example.com', 'hidden@example.com']);
  });

  it('refuses a Bcc key in headers', () => {
    expect(() => basic({ headers: { bcc: 'x@example.com' } }).message()).toThrow(BadHeaderError);
  });

  it('adds a UTC RFC 5322 Date and a unique Message-ID with this host', async () => {
    const before = Date.now();
    const a = basic().message();
    const b = basic().message();
    const date = a.getHeader('date') as string;
    expect(date).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$/,
    );
    expect(Math.abs(Date.parse(date) - before)).toBeLessThan(60_000);
    expect(a.getHeader('Message-ID')).toMatch(/^<[\x21-\x3b\x3d\x3f-\x7e]+@[A-Za-z0-9.-]+>$/);
    expect(a.getHeader('Message-ID')).not.toBe(b.getHeader('Message-ID'));
    const { parsed } = await built(a);
    expect(parsed.messageId).toBe(a.getHeader('Message-ID'));
  });

  it('writes the Date in local time with its offset when emailUseLocaltime is set', () => {
    configure({ emailUseLocaltime: true });
    const offset = -new Date().getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    const hhmm = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    expect(basic().message().getHeader('Date')?.endsWith(` ${hhmm}`)).toBe(true);
  });

  it('keeps a Date and Message-ID the user set, once', async () => {
    const { raw } = await built(
      basic({ headers: { 'Message-ID': '<foo@example.com>', date: 'Fri, 09 Nov 2001 01:08:47 -0000' } }).message(),
    );
    expect(headerNames(raw).filter((n) => /^(date|message-id)$/i.test(n))).toEqual(['Message-ID', 'date']);
    expect(rawHeader(raw, 'Message-ID')).toBe('<foo@example.com>');
    expect(rawHeader(raw, 'date')).toBe('Fri, 09 Nov 2001 01:08:47 -0000');
  });

  it('lets headers override To, From, Cc and Reply-To in the message, not the envelope', async () => {
    const message = basic({
      to: ['list-member@example.com'],
      cc: ['real-cc@example.com'],
      headers: {
        To: 'Mailing List <list@example.com>',
        From: 'Shown <shown@example.com>',
        'reply-to': 'r@example.com',
        Cc: 'shown-cc@example.com',
      },
    });
    const mime = message.message();
    const { raw, parsed } = await built(mime);
    expect(headerNames(raw).filter((n) => n.toLowerCase() === 'to')).toHaveLength(1);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value).toEqual([
      { address: 'list@example.com', name: 'Mailing List' },
    ]);
    expect(parsed.from?.value[0].address).toBe('shown@example.com');
    expect(parsed.replyTo?.value[0].address).toBe('r@example.com');
    expect(mime.getHeader('TO')).toBe('Mailing List <list@example.com>');
    expect(envelopeOf(message)).toEqual({
      from: 'from@example.com',
      to: ['list-member@example.com', 'real-cc@example.com'],
    });
  });

  it('writes extra headers after the standard ones, encoded when not ASCII', async () => {
    const { raw, parsed } = await built(
      basic({ headers: { 'X-Campaign': 'Été 2026', 'X-Plain': 'plain value' } }).message(),
    );
    expect(rawHeader(raw, 'X-Plain')).toBe('plain value');
    expect(rawHeader(raw, 'X-Campaign')).toBe('=?UTF-8?Q?=C3=89t=C3=A9?= 2026');
    expect(parsed.headers.has('x-plain')).toBe(true);
  });

  it('uses defaultFromEmail when fromEmail is omitted', async () => {
    configure({ defaultFromEmail: 'Site <site@example.com>' });
    const message = new EmailMessage({ to: ['a@example.com'] });
    expect(message.fromEmail).toBe('Site <site@example.com>');
    const { parsed } = await built(message.message());
    expect(parsed.from?.value[0]).toEqual({ address: 'site@example.com', name: 'Site' });
  });
});

describe('EmailMessage: addresses in headers', () => {
  it('encodes non-ASCII display names and IDNA domains; keeps an address without a domain', async () => {
    const { raw, parsed } = await built(
      new EmailMessage({
        fromEmail: 'Zoë Ünïcode <zoe@bücher.de>',
        to: ['Второй <second@example.net>', 'django'],
        subject: 'x',
      }).message(),
    );
    expect(rawHeader(raw, 'From')).toMatch(/^=\?UTF-8\?[QB]\?.*\?= <zoe@xn--bcher-kva\.de>$/);
    expect(rawHeader(raw, 'To')).toMatch(/, django$/);
    // mailparser shows IDNA domains in Unicode again.
    expect(parsed.from?.value[0]).toEqual({ address: 'zoe@bücher.de', name: 'Zoë Ünïcode' });
    const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : [];
    expect(to[0]).toEqual({ address: 'second@example.net', name: 'Второй' });
  });

  it('quotes display names with commas so they stay one address', async () => {
    const { parsed } = await built(basic({ to: ['"Doe, Jane" <jane@example.com>'] }).message());
    const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : [];
    expect(to).toEqual([{ address: 'jane@example.com', name: 'Doe, Jane' }]);
  });

  it('folds a long To header at the commas', async () => {
    const to = Array.from({ length: 30 }, (_, i) => `Person Number ${i} <person${i}@example.com>`);
    const { raw, parsed } = await built(basic({ to }).message());
    const lines = raw.toString('latin1').split('\r\n');
    expect(lines.every((l) => l.length <= 78)).toBe(true);
    expect((parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).map((a) => a.address)).toEqual(
      to.map((_, i) => `person${i}@example.com`),
    );
  });
});

describe('EmailMessage: subjects', () => {
  it('folds a long subject at spaces and keeps it intact', async () => {
    const subject = 'A rather long subject line '.repeat(10).trim();
    const { parsed } = await built(basic({ subject }).message());
    expect(parsed.subject).toBe(subject);
  });

  it('never writes a line over 998 octets, even for a long subject without spaces', async () => {
    const subject = 'x'.repeat(5000);
    const { raw, parsed } = await built(basic({ subject }).message());
    expect(
      raw
        .toString('latin1')
        .split('\r\n')
        .every((l) => l.length <= 998),
    ).toBe(true);
    expect(parsed.subject).toBe(subject);
  });

  it('encodes a non-ASCII subject in words of at most 75 characters', async () => {
    const subject = 'Ça va? Été, 日本語のテキスト, Привет мир — '.repeat(5);
    const { parsed } = await built(basic({ subject }).message());
    expect(parsed.subject).toBe(subject.trim());
  });
});

describe('EmailMessage: bodies', () => {
  it('converts any line ending to CRLF', async () => {
    const { text, parsed } = await built(basic({ body: 'one\ntwo\rthree\r\nfour' }).message());
    expect(text.endsWith('\r\n\r\none\r\ntwo\r\nthree\r\nfour')).toBe(true);
    expect(parsed.text).toBe('one\ntwo\nthree\nfour');
  });

  it('sends non-ASCII text as quoted-printable UTF-8 in lines of at most 76', async () => {
    const body = 'Firstname Sürname is a great guy. '.repeat(20);
    const mime = basic({ body }).message();
    const { raw, parsed } = await built(mime);
    expect(mime.getHeader('Content-Transfer-Encoding')).toBe('quoted-printable');
    const bodyLines = raw.toString('latin1').split('\r\n\r\n')[1].split('\r\n');
    expect(bodyLines.every((l) => l.length <= 76)).toBe(true);
    expect(parsed.text).toBe(body);
  });

  it('sends mostly non-ASCII text as base64', async () => {
    const body = 'Привет, мир! '.repeat(50);
    const mime = basic({ body }).message();
    const { parsed } = await built(mime);
    expect(mime.getHeader('Content-Transfer-Encoding')).toBe('base64');
    expect(parsed.text).toBe(body);
  });

  it('encodes an ASCII body with a line over 998 octets', async () => {
    const body = `${'a'.repeat(2000)}\nshort`;
    const mime = basic({ body }).message();
    const { parsed } = await built(mime);
    expect(mime.getHeader('Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(parsed.text).toBe(body.replace('\n', '\n'));
  });

  it('honours encoding (Django test_encoding)', async () => {
    const message = basic({ body: 'Firstname Sürname is a great guy.' });
    message.encoding = 'iso-8859-1';
    const { raw, parsed } = await built(message.message());
    expect(rawHeader(raw, 'Content-Type')).toBe('text/plain; charset="iso-8859-1"');
    expect(raw.toString('latin1')).toContain('Firstname S=FCrname is a great guy.');
    expect(parsed.text).toBe('Firstname Sürname is a great guy.');
  });

  it('uses the defaultCharset setting', async () => {
    configure({ defaultCharset: 'iso-8859-1' });
    const { raw } = await built(basic({ body: 'Sürname' }).message());
    expect(rawHeader(raw, 'Content-Type')).toBe('text/plain; charset="iso-8859-1"');
  });

  it('sends an HTML body with contentSubtype html', async () => {
    const message = basic({ body: '<p>Hello</p>' });
    message.contentSubtype = 'html';
    const { parsed } = await built(message.message());
    expect(parsed.html).toBe('<p>Hello</p>');
  });
});

describe('EmailMessage: the MimeMessage', () => {
  it('gives the same bytes through asBytes, asString and stream', async () => {
    const mime = basic({ body: 'Zoë' }).message();
    const bytes = await mime.asBytes();
    expect(await mime.asString()).toBe(bytes.toString('utf8'));
    const streamed = Buffer.concat(await mime.stream().toArray());
    expect(streamed.equals(bytes)).toBe(true);
  });

  it('reads headers case-insensitively as set, not encoded', () => {
    const mime = basic({ subject: 'Réunion' }).message();
    expect(mime.getHeader('SUBJECT')).toBe('Réunion');
    expect(mime.getHeader('x-missing')).toBeUndefined();
  });
});

describe('EmailMessage: arguments', () => {
  it.each(['to', 'cc', 'bcc', 'replyTo'] as const)('is a TypeError for a plain string in %s', (field) => {
    expect(() => new EmailMessage({ [field]: 'a@example.com' } as never)).toThrow(TypeError);
    expect(() => new EmailMessage({ [field]: 'a@example.com' } as never)).toThrow(new RegExp(field));
  });

  it('is a TypeError at build time when a list was replaced by a string', () => {
    const message = basic();
    (message as unknown as { to: string }).to = 'a@example.com';
    expect(() => message.message()).toThrow(TypeError);
  });

  it('lists recipients: to, cc and bcc, empty entries dropped', () => {
    const message = new EmailMessage({ to: ['a@example.com', ''], cc: ['b@example.com'], bcc: ['', 'c@example.com'] });
    expect(message.recipients()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('keeps public properties mutable until the message is built', async () => {
    const message = basic();
    message.subject = 'Changed';
    message.to.push('second@example.com');
    const { parsed } = await built(message.message());
    expect(parsed.subject).toBe('Changed');
    expect((parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).map((a) => a.address)).toEqual([
      'to@example.com',
      'second@example.com',
    ]);
  });

  it('bodyContains looks in the body', () => {
    expect(basic({ body: 'Hello there' }).bodyContains('there')).toBe(true);
    expect(basic({ body: 'Hello there' }).bodyContains('nope')).toBe(false);
  });
});

describe('EmailMessage.send', () => {
  it('resolves to 0 without recipients and opens nothing', async () => {
    const log: string[] = [];
    const connection = new RecordingBackend({ log });
    expect(await new EmailMessage({ subject: 'none', connection }).send()).toBe(0);
    expect(log).toEqual([]);
  });

  it('sends through its connection', async () => {
    const log: string[] = [];
    const connection = new RecordingBackend({ log });
    expect(await basic({ subject: 'one', connection }).send()).toBe(1);
    expect(log).toEqual(['open', 'start one', 'deliver one', 'close']);
  });

  it('is a TypeError with both using and connection', async () => {
    const connection = new RecordingBackend();
    await expect(basic({ connection }).send({ using: 'bulk' })).rejects.toThrow(TypeError);
  });

  it('rejects a header injection even with failSilently, before delivering anything', async () => {
    const log: string[] = [];
    const connection = new RecordingBackend({ log });
    await expect(basic({ subject: 'a\nBcc: x@evil.example', connection }).send({ failSilently: true })).rejects.toThrow(
      BadHeaderError,
    );
    expect(log).toEqual([]);
  });

  it('sends through the default backend when it has no connection', async () => {
    configure({ emailBackend: 'dummy' });
    const message = basic();
    // The dummy backend package may not exist in every checkout; what matters is the path taken.
    const sent = await message.send().catch((error: Error) => error);
    if (sent instanceof Error) expect(sent.name).toBe('BackendImportError');
    else expect(sent).toBe(1);
  });

  it('streams readable content once and says so when sent again', async () => {
    const message = basic();
    message.attach({
      contentType: 'application/octet-stream',
      content: Readable.from([Buffer.from('abc')]),
      filename: 'a.bin',
    });
    const mime = message.message();
    const { parsed } = await built(mime);
    expect(parsed.attachments[0].content.toString()).toBe('abc');
    await expect(mime.asBytes()).rejects.toThrow(/only once/);
  });
});

describe('EmailMessage: a body that looks like headers', () => {
  it('stays body (Django: printed as the first bit of the message)', async () => {
    const { parsed } = await built(basic({ body: 'Bcc: victim@evil.example\nTo: other@evil.example\n\nhi' }).message());
    expect(parsed.bcc).toBeUndefined();
    expect((parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).map((a) => a.address)).toEqual([
      'to@example.com',
    ]);
    expect(parsed.text).toMatch(/^Bcc: victim@evil\.example\nTo: other@evil\.example\n\nhi/);
  });
});

describe('EmailMessage: RFC 6531 addresses', () => {
  it('keeps a non-ASCII local part as UTF-8 and the bytes stay consistent', async () => {
    const message = basic({ to: ['Jörg <jörg@bücher.de>'] });
    const mime = message.message();
    const { raw, parsed } = await built(mime, { allowUtf8Headers: true });
    expect(raw.toString('utf8')).toMatch(/<jörg@xn--bcher-kva\.de>/);
    expect(Buffer.concat(await mime.stream().toArray()).equals(raw)).toBe(true);
    const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : [];
    expect(to[0].name).toBe('Jörg');
    expect(envelopeOf(message).to).toEqual(['jörg@xn--bcher-kva.de']);
  });
});

describe('EmailMessage: user headers replacing ours', () => {
  it('writes a user Content-Transfer-Encoding instead of ours, once', async () => {
    const mime = basic({ headers: { 'Content-Transfer-Encoding': '8bit' } }).message();
    const { raw } = await built(mime);
    expect(headerNames(raw).filter((n) => /^content-transfer-encoding$/i.test(n))).toEqual([
      'Content-Transfer-Encoding',
    ]);
    expect(rawHeader(raw, 'Content-Transfer-Encoding')).toBe('8bit');
    expect(mime.getHeader('content-transfer-encoding')).toBe('8bit');
  });

  it('is a TypeError to set Content-Type on a multipart message', () => {
    const message = basic({ headers: { 'content-type': 'text/plain' } });
    message.attach('a.bin', Buffer.from('x'));
    expect(() => message.message()).toThrow(TypeError);
  });

  it('replaces Subject and Content-Type in place, once', async () => {
    const message = basic({
      headers: { subject: 'Override', 'Content-Type': 'text/plain; charset="utf-8"; format=flowed' },
    });
    const { raw, parsed } = await built(message.message());
    expect(headerNames(raw).filter((n) => /^(subject|content-type)$/i.test(n))).toHaveLength(2);
    expect(parsed.subject).toBe('Override');
    expect(rawHeader(raw, 'Content-Type')).toMatch(/format=flowed/);
  });
});
