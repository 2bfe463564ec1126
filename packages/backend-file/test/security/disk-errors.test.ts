/**
 * File backend disk errors: a disk that fills up in the middle of a write (ENOSPC after
 * part of the message went out) is reported — a SendError whose cause is the system error, with
 * the count of messages written before it — never swallowed (unless failSilently), and a later
 * message is not glued to the torn one.
 *
 * `node:fs/promises` is the real module with one change: file handles (and the module's own
 * write helpers) accept a budget of bytes, then write part of a chunk and fail with ENOSPC,
 * as a full disk does. The directory is a real temporary one.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailBackend } from '@mail/backend-file';
import { EmailMessage, SendError } from '@mail/core';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Bytes the disk still takes; Infinity = not full. Shared with the mock below. */
const disk = vi.hoisted(() => ({ budget: Number.POSITIVE_INFINITY, failures: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const enospc = () => {
    disk.failures++;
    return Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  };
  /** Take what fits of `length` bytes; throw ENOSPC when nothing fits. */
  const take = (length: number): number => {
    if (disk.budget >= length) {
      disk.budget -= length;
      return length;
    }
    const part = Math.max(0, Math.floor(disk.budget));
    disk.budget = 0;
    if (part === 0) throw enospc();
    return part;
  };
  const toBuffer = (data: unknown): Buffer =>
    Buffer.isBuffer(data) ? data : data instanceof Uint8Array ? Buffer.from(data) : Buffer.from(String(data));

  function wrapHandle(handle: import('node:fs/promises').FileHandle) {
    return new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'write') {
          return async (data: unknown, offsetOrPosition?: unknown, length?: unknown, position?: unknown) => {
            if (typeof data === 'string') {
              const bytes = Buffer.from(data);
              const n = take(bytes.length);
              return target.write(bytes, 0, n, (offsetOrPosition as number | null | undefined) ?? null);
            }
            const buffer = toBuffer(data);
            const offset = typeof offsetOrPosition === 'number' ? offsetOrPosition : 0;
            const len = typeof length === 'number' ? length : buffer.length - offset;
            const n = take(len);
            return target.write(buffer, offset, n, (position as number | null | undefined) ?? null);
          };
        }
        if (prop === 'writeFile' || prop === 'appendFile') {
          return async (data: unknown, options?: unknown) => {
            const buffer = toBuffer(data);
            const n = take(buffer.length);
            await (target as any)[prop](buffer.subarray(0, n), options);
            if (n < buffer.length) throw enospc();
          };
        }
        if (prop === 'writev') {
          return async (buffers: Buffer[], position?: number | null) => {
            const all = Buffer.concat(buffers);
            const n = take(all.length);
            return target.writev([all.subarray(0, n)], position ?? undefined);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => wrapHandle(await real.open(...args));
  const limited =
    (fn: typeof real.appendFile) =>
    async (
      path: Parameters<typeof real.appendFile>[0],
      data: unknown,
      options?: Parameters<typeof real.appendFile>[2],
    ) => {
      const buffer = toBuffer(data);
      const n = take(buffer.length);
      await fn(path, buffer.subarray(0, n), options);
      if (n < buffer.length) throw enospc();
    };
  const patched = {
    ...real,
    open,
    appendFile: limited(real.appendFile),
    writeFile: limited(real.writeFile as typeof real.appendFile),
  };
  return { ...patched, default: patched };
});

let dir: string;
beforeEach(async () => {
  disk.budget = Number.POSITIVE_INFINITY;
  disk.failures = 0;
  dir = await mkdtemp(join(tmpdir(), 'mail-security-disk-'));
});
afterEach(async () => {
  disk.budget = Number.POSITIVE_INFINITY;
  await rm(dir, { recursive: true, force: true });
});

function message(i: number) {
  return new EmailMessage({
    subject: `message ${i}`,
    body: `body of message ${i}\n`.repeat(400),
    fromEmail: 'sender@example.com',
    to: ['rcpt@example.com'],
  });
}

async function sizeOf(m: EmailMessage): Promise<number> {
  return (await m.message().asBytes()).length;
}

async function fileText(): Promise<string> {
  const files = await readdir(dir);
  expect(files).toHaveLength(1);
  return readFile(join(dir, files[0]!), 'latin1');
}

describe('file backend: a full disk is reported, not swallowed', () => {
  it('ENOSPC in the middle of the second message: SendError, sent 1, cause ENOSPC', async () => {
    const batch = [message(0), message(1), message(2)];
    // Room for the first message and its separator, and half of the second.
    disk.budget = (await sizeOf(batch[0]!)) + 200 + Math.floor((await sizeOf(batch[1]!)) / 2);
    const backend = new EmailBackend({ filePath: dir });
    let error: unknown;
    try {
      await backend.sendMessages(batch);
    } catch (e) {
      error = e;
    }
    expect(disk.failures).toBeGreaterThan(0); // the mock was hit: the test exercises the real write path
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).sent).toBe(1);
    expect((error as SendError).messageIndex).toBe(1);
    const chain: unknown[] = [];
    for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) chain.push((e as { code?: unknown }).code);
    expect(chain).toContain('ENOSPC');
    expect((error as Error).message).toMatch(/ENOSPC|space/i);
  });

  it('ENOSPC on the very first write is reported too', async () => {
    disk.budget = 0;
    const backend = new EmailBackend({ filePath: dir });
    await expect(backend.sendMessages([message(0)])).rejects.toBeInstanceOf(SendError);
    expect(disk.failures).toBeGreaterThan(0);
  });

  it('failSilently counts only the messages written whole', async () => {
    const batch = [message(0), message(1), message(2)];
    disk.budget = (await sizeOf(batch[0]!)) + 200 + Math.floor((await sizeOf(batch[1]!)) / 2);
    const backend = new EmailBackend({ filePath: dir, failSilently: true });
    const count = await backend.sendMessages(batch);
    expect(disk.failures).toBeGreaterThan(0);
    expect(count).toBe(1);
  });

  it('after a torn write, a later message in the same session is still a message of its own', async () => {
    const batch = [message(0), message(1)];
    disk.budget = Math.floor((await sizeOf(batch[0]!)) / 2);
    const backend = new EmailBackend({ filePath: dir, failSilently: true });
    await backend.open();
    try {
      expect(await backend.sendMessages([batch[0]!])).toBe(0);
      expect(disk.failures).toBeGreaterThan(0);
      disk.budget = Number.POSITIVE_INFINITY; // space freed
      expect(await backend.sendMessages([batch[1]!])).toBe(1);
    } finally {
      await backend.close();
    }
    // Each separated chunk of the file is one parsable message; message 1's headers are headers,
    // not text inside the torn message 0.
    const chunks = (await fileText()).split(`${'-'.repeat(79)}\r\n`).filter((c) => c !== '');
    const parsed = await Promise.all(chunks.map((c) => simpleParser(Buffer.from(c, 'latin1'))));
    const whole = parsed.filter((p) => p.subject === 'message 1');
    // Nothing of the torn message is left where a reader would take it for a message.
    expect(
      parsed.filter((p) => p.subject === 'message 0' && p.text === 'body of message 0\n'.repeat(400)),
    ).toHaveLength(0);
    expect(whole, 'message 1 readable on its own').toHaveLength(1);
    expect(whole[0]!.text).toBe('body of message 1\n'.repeat(400));
  });
});
