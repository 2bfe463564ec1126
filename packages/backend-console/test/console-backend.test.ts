import { Writable } from 'node:stream';
import DefaultExport, { EmailBackend, MESSAGE_SEPARATOR } from '@mail/backend-console';
import { BadHeaderError, EmailMessage, SendError } from '@mail/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

const message = (fields: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}) =>
  new EmailMessage({ subject: 'Hi', body: 'Hello', fromEmail: 'from@example.com', to: ['to@example.com'], ...fields });

/** A writable that records each write() separately, finishing each after a random delay. */
function recorder({ delay = false } = {}) {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(Buffer.from(chunk));
      if (delay) setTimeout(callback, Math.floor(Math.random() * 3));
      else callback();
    },
  });
  return { stream, writes, text: () => Buffer.concat(writes).toString('utf8') };
}

/** Split what the backend wrote into messages. */
function splitMessages(text: string): string[] {
  const parts = text.split(/\r\n-{79}\r\n/);
  expect(parts.pop()).toBe('');
  return parts;
}

describe('console backend', () => {
  it('fills message.delivery with the Message-ID it wrote', async () => {
    const { stream, text } = recorder();
    const sent = message();
    expect(await new EmailBackend({ stream }).sendMessages([sent])).toBe(1);
    const [written] = splitMessages(text());
    const parsed = await simpleParser(written!);
    expect(sent.delivery).toEqual({
      messageId: `<${parsed.messageId!.replace(/^<|>$/g, '')}>`,
      accepted: ['to@example.com'],
      rejected: [],
      response: null,
      mailer: null,
      backend: 'console',
      attempts: 1,
    });
  });

  it('is the default export too', () => {
    expect(DefaultExport).toBe(EmailBackend);
  });

  it('writes each message, then a line of 79 "-"', async () => {
    const out = recorder();
    const backend = new EmailBackend({ stream: out.stream });
    expect(
      await backend.sendMessages([message({ subject: 'First' }), message({ subject: 'Second', body: 'Zoë' })]),
    ).toBe(2);
    expect(MESSAGE_SEPARATOR).toBe(`${'-'.repeat(79)}\r\n`);
    const messages = splitMessages(out.text());
    expect(messages).toHaveLength(2);
    const [first, second] = await Promise.all(messages.map((m) => simpleParser(m)));
    expect(first.subject).toBe('First');
    expect(second.subject).toBe('Second');
    expect(second.text?.trim()).toBe('Zoë');
    expect(out.text().endsWith(`\r\n${'-'.repeat(79)}\r\n`)).toBe(true);
  });

  it("writes the message's own bytes (those of message().asBytes())", async () => {
    const out = recorder();
    const m = message({ headers: { Date: 'Mon, 23 Nov 2026 20:00:00 +0000', 'Message-ID': '<fixed@example.com>' } });
    await new EmailBackend({ stream: out.stream }).sendMessages([m]);
    const bytes = await m.message().asBytes();
    expect(out.text().startsWith(bytes.toString('utf8'))).toBe(true);
  });

  it('never interleaves messages of concurrent sends, even through two backends sharing the stream', async () => {
    const out = recorder({ delay: true });
    const a = new EmailBackend({ stream: out.stream });
    const b = new EmailBackend({ stream: out.stream });
    const sends = [];
    for (let i = 0; i < 20; i++) {
      const backend = i % 2 ? a : b;
      sends.push(
        backend.sendMessages([
          message({ subject: `m${i}-1`, body: `body ${i}\n`.repeat(200) }),
          message({ subject: `m${i}-2` }),
        ]),
      );
    }
    expect(await Promise.all(sends)).toEqual(Array(20).fill(2));
    // Each message is one write holding a whole message and its separator.
    expect(out.writes).toHaveLength(40);
    for (const write of out.writes) expect(splitMessages(write.toString('utf8'))).toHaveLength(1);
    const subjects = await Promise.all(splitMessages(out.text()).map(async (m) => (await simpleParser(m)).subject));
    expect(new Set(subjects).size).toBe(40);
  });

  it('defaults to process.stdout', () => {
    expect(new EmailBackend().stream).toBe(process.stdout);
  });

  it('reports a stream that fails, with failSilently counting only what was written', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE: the reader went away'));
      },
    });
    failing.on('error', () => {});
    const error = await new EmailBackend({ stream: failing }).sendMessages([message()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).sent).toBe(0);
    expect(String((error as Error).cause)).toMatch(/EPIPE/);

    const silent = new Writable({ write: (_c, _e, cb) => cb(new Error('broken')) });
    silent.on('error', () => {});
    expect(await new EmailBackend({ stream: silent, failSilently: true }).sendMessages([message()])).toBe(0);
  });

  it('rejects a header injection before writing anything', async () => {
    const out = recorder();
    await expect(
      new EmailBackend({ stream: out.stream }).sendMessages([
        message(),
        message({ to: ['a@example.com\r\nBcc: v@example.com'] }),
      ]),
    ).rejects.toBeInstanceOf(BadHeaderError);
    expect(out.writes).toHaveLength(0);
  });

  it('refuses a stream that is not writable and an unknown option', () => {
    expect(() => new EmailBackend({ stream: {} as never })).toThrow(TypeError);
    expect(() => new EmailBackend({ filePath: '/tmp' } as never)).toThrow(/Unknown option "filePath"/);
  });
});
