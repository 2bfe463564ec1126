import DefaultExport, { EmailBackend } from '@mail/backend-file';
import { BadHeaderError, configure, EmailMessage, resetSettings, SendError } from '@mail/core';
import { simpleParser } from 'mailparser';
import { fs as memfs, vol } from 'memfs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The backend's file system is memfs: fast, isolated, and able to fail on demand.
vi.mock('node:fs', async () => {
  const { fs } = await import('memfs');
  return { default: fs, ...fs };
});
vi.mock('node:fs/promises', async () => {
  const { fs } = await import('memfs');
  return { default: fs.promises, ...fs.promises };
});

const message = (fields: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}) =>
  new EmailMessage({ subject: 'Hi', body: 'Hello', fromEmail: 'from@example.com', to: ['to@example.com'], ...fields });

const SEPARATOR = /\r\n-{79}\r\n/;

function filesIn(dir: string): string[] {
  return (memfs.readdirSync(dir) as string[]).sort();
}

function messagesOf(path: string): string[] {
  const parts = (memfs.readFileSync(path, 'utf8') as string).split(SEPARATOR);
  expect(parts.pop()).toBe('');
  return parts;
}

beforeEach(() => {
  vol.reset();
  vol.mkdirSync('/tmp', { recursive: true });
});
afterEach(() => {
  resetSettings();
  vi.restoreAllMocks();
});

describe('file backend', () => {
  it('is the default export too', () => {
    expect(DefaultExport).toBe(EmailBackend);
  });

  it('creates the directory when missing and writes a session into one new file', async () => {
    const backend = new EmailBackend({ filePath: '/tmp/mail/out' });
    expect(memfs.statSync('/tmp/mail/out').isDirectory()).toBe(true);
    expect(await backend.sendMessages([message({ subject: 'One' }), message({ subject: 'Two' })])).toBe(2);
    const files = filesIn('/tmp/mail/out');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{8}-\\d{6}-${process.pid}-\\d+\\.log$`));
    const parsed = await Promise.all(messagesOf(`/tmp/mail/out/${files[0]}`).map((m) => simpleParser(m)));
    expect(parsed.map((p) => p.subject)).toEqual(['One', 'Two']);
  });

  it('opens a new file for every session; messages of one open() session share a file', async () => {
    const backend = new EmailBackend({ filePath: '/tmp/out' });
    expect(await backend.open()).toBe(true);
    expect(await backend.open()).toBe(false);
    const first = backend.fileName;
    await backend.sendMessages([message({ subject: 'a' })]);
    await backend.sendMessages([message({ subject: 'b' })]);
    await backend.close();
    expect(backend.fileName).toBeNull();
    await backend.sendMessages([message({ subject: 'c' })]);
    const files = filesIn('/tmp/out');
    expect(files).toHaveLength(2);
    expect(`/tmp/out/${files[0]}`).toBe(first);
    expect(messagesOf(`/tmp/out/${files[0]}`)).toHaveLength(2);
    expect(messagesOf(`/tmp/out/${files[1]}`)).toHaveLength(1);
  });

  it('takes the directory from the emailFilePath setting', async () => {
    configure({ emailFilePath: '/tmp/from-settings' });
    const backend = new EmailBackend();
    expect(backend.filePath).toBe('/tmp/from-settings');
    await backend.sendMessages([message()]);
    expect(filesIn('/tmp/from-settings')).toHaveLength(1);
  });

  it('is a configuration error without a path, naming the settings to set', () => {
    expect(() => new EmailBackend()).toThrow(/filePath.*emailFilePath/);
    expect(() => new EmailBackend()).toThrow(expect.objectContaining({ code: 'MAIL_CONFIGURATION' }));
  });

  it('is a configuration error, naming the path, when the path is an existing file', () => {
    memfs.writeFileSync('/tmp/a-file', 'x');
    expect(() => new EmailBackend({ filePath: '/tmp/a-file' })).toThrow(/not a directory: \/tmp\/a-file/);
    expect(() => new EmailBackend({ filePath: '/tmp/a-file/below' })).toThrow(/\/tmp\/a-file\/below/);
  });

  it('is a configuration error, naming the path, when the directory is not writable', () => {
    memfs.mkdirSync('/tmp/locked', { mode: 0o555 });
    // memfs checks permissions for the current uid; fake a non-root user for this check.
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    vi.spyOn(process, 'getgid').mockReturnValue(1000);
    expect(() => new EmailBackend({ filePath: '/tmp/locked' })).toThrow(/Could not write.*\/tmp\/locked/);
  });

  it("never lets concurrent sessions write into each other's files, and loses nothing", async () => {
    const backends = Array.from({ length: 8 }, () => new EmailBackend({ filePath: '/tmp/many' }));
    const sends = backends.map((backend, b) =>
      backend.sendMessages(
        Array.from({ length: 5 }, (_, i) => message({ subject: `b${b}-m${i}`, body: `x\n`.repeat(500) })),
      ),
    );
    expect(await Promise.all(sends)).toEqual(Array(8).fill(5));
    const files = filesIn('/tmp/many');
    expect(files).toHaveLength(8);
    for (const file of files) {
      const subjects = await Promise.all(
        messagesOf(`/tmp/many/${file}`).map(async (m) => (await simpleParser(m)).subject),
      );
      const owner = subjects[0]!.split('-')[0];
      expect(subjects).toEqual(Array.from({ length: 5 }, (_, i) => `${owner}-m${i}`));
    }
  });

  it('never reuses an existing file name', async () => {
    const backend = new EmailBackend({ filePath: '/tmp/taken' });
    await backend.open();
    const name = backend.fileName!;
    await backend.close();
    memfs.unlinkSync(name);
    // Pre-create the next few candidate names: the backend must skip them, not append to them.
    const base = name.replace(/-(\d+)\.log$/, '');
    const n = Number(/-(\d+)\.log$/.exec(name)![1]);
    for (let i = 1; i <= 3; i++) memfs.writeFileSync(`${base}-${n + i}.log`, 'someone else');
    await backend.sendMessages([message()]);
    for (let i = 1; i <= 3; i++) expect(memfs.readFileSync(`${base}-${n + i}.log`, 'utf8')).toBe('someone else');
    expect(filesIn('/tmp/taken')).toHaveLength(4);
  });

  it('reports a disk error mid-write instead of swallowing it', async () => {
    const backend = new EmailBackend({ filePath: '/tmp/full' });
    await backend.open();
    // The disk fills up in the middle of the message titled 'lost': the write after the one
    // that carried its Subject fails, as a full disk would, leaving that message torn.
    const probe = await memfs.promises.open('/tmp/probe', 'w');
    const proto = Object.getPrototypeOf(probe);
    await probe.close();
    const write = proto.write;
    let armed = false;
    vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (armed) {
        armed = false;
        return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      }
      if (Buffer.isBuffer(args[0]) && args[0].includes('Subject: lost')) armed = true;
      return write.apply(this, args);
    });
    const error = await backend
      .sendMessages([message({ subject: 'ok' }), message({ subject: 'lost' })])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).sent).toBe(1);
    expect((error as SendError).messageIndex).toBe(1);
    expect((error as Error).message).toMatch(/ENOSPC/);
    // The torn message was cut off again: the file holds exactly the first message.
    expect(messagesOf(backend.fileName!)).toHaveLength(1);
    expect(memfs.readFileSync(backend.fileName!, 'utf8')).not.toContain('Subject: lost');
    expect(
      await new EmailBackend({ filePath: '/tmp/full', failSilently: true }).sendMessages([
        message(),
        message({ subject: 'lost' }),
      ]),
    ).toBe(1);
    await backend.close();
  });

  it('streams attachFile() content to the file in pieces, never the whole message at once', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    memfs.mkdirSync('/tmp/src', { recursive: true });
    memfs.writeFileSync('/tmp/src/big.bin', big);
    const m = message({ subject: 'big' });
    m.attachFile('/tmp/src/big.bin');
    const probe = await memfs.promises.open('/tmp/probe2', 'w');
    const proto = Object.getPrototypeOf(probe);
    await probe.close();
    const write = proto.write;
    const sizes: number[] = [];
    vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (Buffer.isBuffer(args[0])) sizes.push(args[2] as number);
      return write.apply(this, args);
    });
    const backend = new EmailBackend({ filePath: '/tmp/streamed' });
    expect(await backend.sendMessages([m])).toBe(1);
    const [file] = filesIn('/tmp/streamed');
    const parsed = await simpleParser(memfs.readFileSync(`/tmp/streamed/${file}`) as Buffer);
    expect(parsed.attachments[0].content.equals(big)).toBe(true);
    // The message is ~5.5 MB on the wire; no single write holds more than a fraction of it.
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThan(1024 * 1024);
  });

  it('rejects a header injection before creating anything', async () => {
    const backend = new EmailBackend({ filePath: '/tmp/guarded' });
    await expect(backend.sendMessages([message({ subject: 'a\rb' })])).rejects.toBeInstanceOf(BadHeaderError);
    expect(filesIn('/tmp/guarded')).toHaveLength(0);
  });
});
