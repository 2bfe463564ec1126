import {
  conformanceGroups,
  contentGroup,
  envelopeGroup,
  headerGuardsGroup,
  type MailboxMessage,
  runBackendConformance,
  runConformanceChecks,
  sendingGroup,
} from '@mail/testing/conformance';
import { describe, expect, it } from 'vitest';
import {
  DropsCcBackend,
  LeaksBccBackend,
  MemoryBackend,
  NothingBackend,
  ReturnsZeroBackend,
  SkipsGuardsBackend,
  storeMailbox,
} from './conformance/memory-backends.js';
import { NodemailerBackend } from './conformance/nodemailer-backend.js';

const memoryStore: MailboxMessage[] = [];
runBackendConformance({
  name: 'a correct in-memory backend',
  create: () => new MemoryBackend(memoryStore),
  mailbox: storeMailbox(memoryStore),
});
runBackendConformance({
  name: 'a correct SMTP backend',
  create: (ctx) => new NodemailerBackend(ctx.smtp.backendOptions()),
});
runBackendConformance({ name: 'a backend that delivers nothing', create: () => new NothingBackend() });

/** Run groups programmatically on a backend class and return the titles of the checks that failed. */
async function failures(Backend: typeof MemoryBackend, groups = conformanceGroups): Promise<string[]> {
  const store: MailboxMessage[] = [];
  const results = await runConformanceChecks(groups, {
    create: () => new Backend(store),
    mailbox: storeMailbox(store),
  });
  return results.filter((r) => r.status === 'failed').map((r) => r.check);
}

describe('the suite catches broken backends', () => {
  it('passes every check on the correct in-memory backend (control)', async () => {
    expect(await failures(MemoryBackend)).toEqual([]);
  });

  it('fails a backend that returns 0', async () => {
    const failed = await failures(ReturnsZeroBackend, [sendingGroup]);
    expect(failed).toEqual([
      'one message resolves to 1 and is delivered once',
      'a batch resolves to its size and is delivered in order',
      'message.delivery reports each message: the Message-ID as delivered, the recipients accepted, the backend',
      'any iterable of messages is accepted, and a non-iterable is a TypeError',
    ]);
  });

  it('fails a backend that drops Cc', async () => {
    const failed = await failures(DropsCcBackend, [envelopeGroup, contentGroup]);
    expect(failed).toEqual([
      'the envelope holds bare addresses: From, then To, Cc and Bcc',
      'Cc recipients are delivered to and written',
      'subject, addresses and custom headers survive',
    ]);
  });

  it('fails a backend that writes Bcc into the message', async () => {
    expect(await failures(LeaksBccBackend, [envelopeGroup])).toEqual([
      'Bcc recipients get the message but no Bcc header is written',
    ]);
  });

  it('fails a backend that skips the header guards, for every field', async () => {
    const failed = await failures(SkipsGuardsBackend, [headerGuardsGroup]);
    expect(failed).toEqual(Object.keys(headerGuardsGroup.checks));
  });

  it('reports why a check failed, and skips groups that do not apply', async () => {
    const store: MailboxMessage[] = [];
    const results = await runConformanceChecks([sendingGroup], {
      create: () => new ReturnsZeroBackend(store),
      mailbox: storeMailbox(store),
    });
    expect(String(results[1].error)).toContain('sendMessages([message]) must resolve to 1');
    const skipped = await runConformanceChecks([envelopeGroup], { create: () => new NothingBackend() });
    expect(skipped.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });
});
