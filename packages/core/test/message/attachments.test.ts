import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AttachedFile, BadHeaderError, ConfigurationError, EmailMessage } from '@mail/core';
import { afterAll, describe, expect, it } from 'vitest';
import { built, rawHeader } from '../mime/wire-rules.js';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const dir = mkdtempSync(join(tmpdir(), 'mail-attach-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const basic = (extra: ConstructorParameters<typeof EmailMessage>[0] = {}) =>
  new EmailMessage({
    subject: 'Subject',
    body: 'Content',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
    ...extra,
  });

/** The raw text of the part whose headers mention `marker`. */
function rawPart(text: string, marker: string): string {
  const at = text.indexOf(marker);
  const start = text.lastIndexOf('\r\n--', at);
  const end = text.indexOf('\r\n--', at);
  return text.slice(start, end);
}

describe('attach(filename, content, mimetype?)', () => {
  it('puts the body and the attachment in multipart/mixed (Django structure)', async () => {
    const message = basic();
    message.attach('file.txt', 'file content', 'text/plain');
    const mime = message.message();
    const { parsed } = await built(mime);
    expect(mime.getHeader('Content-Type')).toMatch(/^multipart\/mixed; boundary="[^"]+"$/);
    expect(parsed.text?.trim()).toBe('Content');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({
      filename: 'file.txt',
      contentType: 'text/plain',
      contentDisposition: 'attachment',
    });
    expect(parsed.attachments[0].content.toString()).toBe('file content');
  });

  it('holds { filename, content, mimetype } objects', () => {
    const message = basic({
      attachments: [
        ['a.txt', 'A'],
        ['b.pdf', Buffer.from('%PDF'), 'application/pdf'],
      ],
    });
    message.attach('c.bin', new Uint8Array([1, 2]));
    expect(message.attachments).toEqual([
      { filename: 'a.txt', content: 'A', mimetype: null },
      { filename: 'b.pdf', content: Buffer.from('%PDF'), mimetype: 'application/pdf' },
      { filename: 'c.bin', content: new Uint8Array([1, 2]), mimetype: null },
    ]);
  });

  it('guesses the mimetype from the extension; unknown is application/octet-stream', async () => {
    const message = basic();
    message.attach('report.pdf', Buffer.from('%PDF-1.4'));
    message.attach('data.unknownext', Buffer.from([0, 1, 2]));
    message.attach('noext', Buffer.from([3]));
    const { parsed } = await built(message.message());
    expect(parsed.attachments.map((a) => a.contentType)).toEqual([
      'application/pdf',
      'application/octet-stream',
      'application/octet-stream',
    ]);
    expect(parsed.attachments[1].content).toEqual(Buffer.from([0, 1, 2]));
  });

  it('sends text/* bytes that are UTF-8 as text and those that are not as application/octet-stream', async () => {
    const message = basic();
    message.attach('ok.txt', Buffer.from('Zoë'), 'text/plain');
    message.attach('latin1.txt', Buffer.from([0x5a, 0x6f, 0xeb]), 'text/plain');
    const { parsed, text } = await built(message.message());
    expect(parsed.attachments[0].contentType).toBe('text/plain');
    expect(parsed.attachments[0].content.toString('utf8')).toBe('Zoë');
    expect(rawPart(text, 'latin1.txt')).toMatch(/^Content-Type: application\/octet-stream; name="latin1.txt"$/m);
    expect(parsed.attachments[1].content).toEqual(Buffer.from([0x5a, 0x6f, 0xeb]));
  });

  it('base64-encodes binary content in lines of 76', async () => {
    const bytes = randomBytes(10_000);
    const message = basic();
    message.attach('random.bin', bytes);
    const { text, parsed } = await built(message.message());
    const part = rawPart(text, 'random.bin');
    expect(part).toMatch(/Content-Transfer-Encoding: base64/);
    const lines = part.split('\r\n\r\n')[1].split('\r\n').filter(Boolean);
    expect(lines.slice(0, -1).every((l) => l.length === 76)).toBe(true);
    expect(parsed.attachments[0].content.equals(bytes)).toBe(true);
  });

  it('leaves the body part out when the body is empty (Django)', async () => {
    const message = basic({ body: '' });
    message.attach('a.bin', Buffer.from('x'));
    const { parsed, text } = await built(message.message());
    expect(parsed.text).toBeFalsy();
    expect(text).not.toMatch(/Content-Type: text\/plain/);
    expect(parsed.attachments).toHaveLength(1);
  });

  it('writes non-ASCII filenames per RFC 2231 with a name= parameter for old clients', async () => {
    const filename = 'résumé très long nom de fichier avec des accents partout é.pdf';
    const message = basic();
    message.attach(filename, Buffer.from('%PDF'));
    const { text, parsed } = await built(message.message());
    const part = rawPart(text, 'application/pdf');
    expect(part).toMatch(/filename\*0\*=utf-8''r%C3%A9sum%C3%A9/);
    expect(part).toMatch(/name="=\?UTF-8\?/);
    expect(parsed.attachments[0].filename).toBe(filename);
    const single = basic();
    single.attach('été.txt', 'x');
    const { text: t2, parsed: p2 } = await built(single.message());
    expect(t2).toMatch(/filename\*=utf-8''%C3%A9t%C3%A9\.txt/);
    expect(p2.attachments[0].filename).toBe('été.txt');
  });

  it('quotes ASCII filenames with specials', async () => {
    const message = basic();
    message.attach('my "best" file; v2.txt', 'x');
    const { parsed } = await built(message.message());
    expect(parsed.attachments[0].filename).toBe('my "best" file; v2.txt');
  });

  it('refuses a filename that would inject a header', () => {
    const message = basic();
    message.attach('evil.txt\r\nBcc: x@evil.example', 'x');
    expect(() => message.message()).toThrow(BadHeaderError);
  });

  it('is a TypeError without content', () => {
    expect(() => basic().attach('a.txt', undefined as never)).toThrow(TypeError);
    expect(() => basic({ attachments: [['a.txt'] as never] })).toThrow(TypeError);
  });
});

describe('attach(part)', () => {
  it('takes a MimePart with its own headers', async () => {
    const message = basic();
    message.attach({
      contentType: 'application/json',
      content: '{"a":1}',
      filename: 'data.json',
      headers: { 'X-Part': 'yes' },
    });
    const { text, parsed } = await built(message.message());
    expect(rawPart(text, 'data.json')).toMatch(/X-Part: yes/);
    expect(parsed.attachments[0]).toMatchObject({ filename: 'data.json', contentType: 'application/json' });
    expect(parsed.attachments[0].content.toString()).toBe('{"a":1}');
    expect(message.attachments[0]).toMatchObject({ contentType: 'application/json' });
  });

  it('is a TypeError for a part without content, or something that is no part', () => {
    expect(() => basic().attach({ contentType: 'text/plain' } as never)).toThrow(TypeError);
    expect(() => basic().attach({ content: 'x' } as never)).toThrow(TypeError);
  });

  it('refuses injection in a part header name or value', () => {
    const a = basic();
    a.attach({ contentType: 'text/plain', content: 'x', headers: { 'X-Evil\r\nBcc': 'v' } });
    expect(() => a.message()).toThrow(BadHeaderError);
    const b = basic();
    b.attach({ contentType: 'text/plain', content: 'x', headers: { 'X-Evil': 'v\nBcc: x@evil.example' } });
    expect(() => b.message()).toThrow(BadHeaderError);
    const c = basic();
    c.attach({ contentType: 'text/plain\r\nBcc: x@evil.example', content: 'x' });
    expect(() => c.message()).toThrow(BadHeaderError);
  });
});

describe('message/rfc822 attachments', () => {
  it('embeds an EmailMessage without base64, readable as a message', async () => {
    const inner = new EmailMessage({
      subject: 'Inner Zoë',
      body: 'inner body',
      fromEmail: 'inner@example.com',
      to: ['x@example.com'],
    });
    const outer = basic();
    outer.attach(inner);
    outer.attach('forward.eml', inner, 'message/rfc822');
    const { text, parsed } = await built(outer.message());
    const part = rawPart(text, 'Content-Type: message/rfc822');
    expect(part).not.toMatch(/Content-Transfer-Encoding: base64/);
    expect(part).toMatch(/Content-Transfer-Encoding: 7bit/);
    expect(text).toMatch(/inner body/);
    expect(parsed.attachments).toHaveLength(2);
    expect(parsed.attachments[0].contentType).toBe('message/rfc822');
    expect(parsed.attachments[0].content.toString()).toMatch(/Subject: Inner =\?UTF-8\?Q\?Zo=C3=AB\?=/);
    expect(parsed.attachments[1].filename).toBe('forward.eml');
  });

  it('streams a file attached to an attached message', async () => {
    const path = join(dir, 'nested.bin');
    const bytes = randomBytes(5000);
    writeFileSync(path, bytes);
    const inner = new EmailMessage({ subject: 'inner', body: 'b', fromEmail: 'a@example.com', to: ['b@example.com'] });
    inner.attachFile(path);
    const outer = basic({ attachments: [inner] });
    const { parsed } = await built(outer.message());
    const { simpleParser } = await import('mailparser');
    const innerParsed = await simpleParser(parsed.attachments[0].content);
    expect(innerParsed.attachments[0].filename).toBe('nested.bin');
    expect(innerParsed.attachments[0].content.equals(bytes)).toBe(true);
  });

  it('holds an attached EmailMessage as is', () => {
    const inner = new EmailMessage({ subject: 'in' });
    const outer = basic({ attachments: [inner] });
    expect(outer.attachments[0]).toBe(inner);
  });
});

describe('attachFile', () => {
  it('is an error at the call, naming the file, when the file is missing', () => {
    const missing = join(dir, 'no-such-file.pdf');
    expect(() => basic().attachFile(missing)).toThrow(ConfigurationError);
    expect(() => basic().attachFile(missing)).toThrow(missing);
  });

  it('keeps the path, not the content, and guesses the mimetype', () => {
    const path = join(dir, 'kept.pdf');
    writeFileSync(path, '%PDF-1.4 small');
    const message = basic();
    message.attachFile(path);
    expect(message.attachments[0]).toMatchObject({ filename: 'kept.pdf', mimetype: 'application/pdf' });
    expect((message.attachments[0] as { content: unknown }).content).toBeInstanceOf(AttachedFile);
  });

  it('reads the file when written, streaming it in pieces', async () => {
    const path = join(dir, 'big.bin');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(path, bytes);
    const message = basic();
    message.attachFile(path, 'application/octet-stream');
    const mime = message.message();
    let largest = 0;
    const pieces: Buffer[] = [];
    for await (const piece of mime.stream()) {
      largest = Math.max(largest, (piece as Buffer).length);
      pieces.push(piece as Buffer);
    }
    // Never the whole file at once: each piece is one read's worth of base64.
    expect(largest).toBeLessThan(256 * 1024);
    const raw = Buffer.concat(pieces);
    expect(raw.equals(await mime.asBytes())).toBe(true);
    const { parsed } = await built(mime);
    expect(parsed.attachments[0].filename).toBe('big.bin');
    expect(parsed.attachments[0].content.equals(bytes)).toBe(true);
  });

  it('reads the file as it is at send time', async () => {
    const path = join(dir, 'changing.txt');
    writeFileSync(path, 'before');
    const message = basic();
    message.attachFile(path, 'application/octet-stream');
    writeFileSync(path, 'after');
    const { parsed } = await built(message.message());
    expect(parsed.attachments[0].content.toString()).toBe('after');
  });

  it('rejects the write when the file disappeared after attaching', async () => {
    const path = join(dir, 'vanishing.txt');
    writeFileSync(path, 'x');
    const message = basic();
    message.attachFile(path);
    rmSync(path);
    await expect(message.message().asBytes()).rejects.toThrow(/ENOENT/);
  });

  it('streams a readable MimePart content', async () => {
    const message = basic();
    message.attach({
      contentType: 'image/png',
      content: Readable.from([Buffer.from([1, 2]), Buffer.from([3])]),
      filename: 'p.png',
    });
    const { parsed } = await built(message.message());
    expect(parsed.attachments[0].content).toEqual(Buffer.from([1, 2, 3]));
  });
});

it('writes the part headers per attachment (rawHeader helper sanity)', async () => {
  const { raw } = await built(basic().message());
  expect(rawHeader(raw, 'Subject')).toBe('Subject');
});

describe('attachments without a filename, and raw messages', () => {
  it('writes no Content-Disposition for an unnamed attachment (Django)', async () => {
    const message = basic();
    message.attach(null, Buffer.from('x'), 'application/octet-stream');
    const { text } = await built(message.message());
    expect(rawPart(text, 'Content-Type: application/octet-stream')).not.toMatch(/Content-Disposition/);
  });

  it('embeds a message/rfc822 given as a string with CRLF line endings', async () => {
    const message = basic();
    message.attach('fwd.eml', 'Subject: inner\nFrom: a@example.com\n\ninner body\n', 'message/rfc822');
    const { text, parsed } = await built(message.message());
    expect(rawPart(text, 'Content-Type: message/rfc822')).toMatch(
      /Content-Transfer-Encoding: 7bit\r\nContent-Disposition: attachment; filename="fwd.eml"\r\n\r\nSubject: inner\r\nFrom: a@example.com\r\n\r\ninner body/,
    );
    expect(parsed.attachments[0].contentType).toBe('message/rfc822');
  });

  it('is a TypeError to attach an EmailMessage under another mimetype', () => {
    const message = basic();
    message.attach('x.txt', new EmailMessage({ subject: 'in' }), 'text/plain');
    expect(() => message.message()).toThrow(TypeError);
  });
});
