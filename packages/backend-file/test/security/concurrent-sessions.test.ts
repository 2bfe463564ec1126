/**
 * File backend under concurrency: several sessions writing at once — separate backends,
 * and concurrent sendMessages calls on one backend — in a real temporary directory lose nothing
 * and interleave nothing: every file splits into whole messages, each message appears exactly
 * once, byte for byte as `message().asBytes()` built it.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailBackend } from '@mail/backend-file';
import { EmailMessage } from '@mail/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SEPARATOR = `${'-'.repeat(79)}\r\n`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mail-security-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A message with a unique marker and a body large enough that a torn write would show. */
function message(marker: string, size: number) {
  const line = `${marker} `.repeat(Math.ceil(70 / (marker.length + 1))).slice(0, 70);
  const body = Array.from({ length: Math.ceil(size / 72) }, () => line).join('\n');
  return new EmailMessage({
    subject: marker,
    body,
    fromEmail: 'sender@example.com',
    to: ['rcpt@example.com'],
    headers: { Date: 'Mon, 23 Nov 2026 20:00:00 +0000', 'Message-ID': `<${marker}@example.com>` },
  });
}

/** Every message of every file in `dir`, as raw strings, with the file it came from. */
async function readMessages(): Promise<{ file: string; raw: string }[]> {
  const out: { file: string; raw: string }[] = [];
  for (const file of await readdir(dir)) {
    const text = await readFile(join(dir, file), 'latin1');
    expect(text.endsWith(SEPARATOR), `${file} ends with a separator`).toBe(true);
    const chunks = text.split(SEPARATOR);
    expect(chunks.pop()).toBe('');
    for (const raw of chunks) out.push({ file, raw });
  }
  return out;
}

async function expectExactly(sent: Map<string, EmailMessage>): Promise<void> {
  const found = await readMessages();
  const seen = new Map<string, number>();
  for (const { raw } of found) {
    const marker = /^Subject: ([^\r\n]*)/m.exec(raw)?.[1];
    expect(marker, `a chunk without a Subject: ${raw.slice(0, 200)}`).toBeDefined();
    const original = sent.get(marker!);
    expect(original, `unknown message ${marker}`).toBeDefined();
    const bytes = (await original!.message().asBytes()).toString('latin1');
    // The message, then CRLF when it did not end with one (the separator starts a line).
    expect([bytes, `${bytes}\r\n`], `message ${marker} intact`).toContain(raw);
    seen.set(marker!, (seen.get(marker!) ?? 0) + 1);
  }
  expect(
    [...seen.entries()].filter(([, n]) => n !== 1),
    'messages written more than once',
  ).toEqual([]);
  expect(
    [...sent.keys()].filter((m) => !seen.has(m)),
    'messages lost',
  ).toEqual([]);
}

describe('file backend: concurrent sessions lose and interleave nothing', () => {
  it('many backends writing at once into one directory', async () => {
    const sessions = 8;
    const perSession = 12;
    const sent = new Map<string, EmailMessage>();
    const counts = await Promise.all(
      Array.from({ length: sessions }, async (_, s) => {
        const backend = new EmailBackend({ filePath: dir });
        const batch = Array.from({ length: perSession }, (_, i) => {
          const marker = `s${s}m${i}`;
          const m = message(marker, 20_000 + ((s * 7919 + i * 104729) % 150_000));
          sent.set(marker, m);
          return m;
        });
        // Half the sessions send message by message (interleaving at the event loop), half in one batch.
        if (s % 2 === 0) return backend.sendMessages(batch);
        await backend.open();
        try {
          let n = 0;
          for (const m of batch) n += await backend.sendMessages([m]);
          return n;
        } finally {
          await backend.close();
        }
      }),
    );
    expect(counts).toEqual(Array.from({ length: sessions }, () => perSession));
    await expectExactly(sent);
    // One file per session: sessions never share a file.
    expect((await readdir(dir)).length).toBe(sessions);
  }, 60_000);

  it('concurrent sendMessages calls on one backend are queued, never interleaved', async () => {
    const backend = new EmailBackend({ filePath: dir });
    const sent = new Map<string, EmailMessage>();
    const calls = Array.from({ length: 20 }, (_, c) => {
      const batch = Array.from({ length: 3 }, (_, i) => {
        const marker = `c${c}m${i}`;
        const m = message(marker, 30_000 + c * 5_000);
        sent.set(marker, m);
        return m;
      });
      return backend.sendMessages(batch);
    });
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 20 }, () => 3));
    await expectExactly(sent);
  }, 60_000);

  it('sessions opened explicitly at the same time get distinct files', async () => {
    const backends = Array.from({ length: 30 }, () => new EmailBackend({ filePath: dir }));
    expect(await Promise.all(backends.map((b) => b.open()))).toEqual(backends.map(() => true));
    const sent = new Map<string, EmailMessage>();
    await Promise.all(
      backends.map(async (b, i) => {
        const m = message(`open${i}`, 2_000);
        sent.set(`open${i}`, m);
        expect(await b.sendMessages([m])).toBe(1);
      }),
    );
    await Promise.all(backends.map((b) => b.close()));
    expect((await readdir(dir)).length).toBe(30);
    await expectExactly(sent);
  });
});
