import { type BackendCapabilities, BaseEmailBackend, type EmailMessage, type PreparedMessage } from '@mail/core';
import type { Mailbox, MailboxMessage } from '@mail/testing/conformance';

/** A correct backend that keeps raw messages and envelopes in a store, with an open/closed state. */
export class MemoryBackend extends BaseEmailBackend {
  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: true };
  isOpen = false;
  constructor(readonly store: MailboxMessage[]) {
    super();
  }
  override async open(): Promise<boolean> {
    if (this.isOpen) return false;
    this.isOpen = true;
    return true;
  }
  override async close(): Promise<void> {
    this.isOpen = false;
  }
  protected override async deliverOne({ mime, envelope }: PreparedMessage): Promise<void> {
    if (!this.isOpen) throw new Error('deliverOne() called on a closed backend');
    const raw = await mime.asBytes();
    await new Promise((resolve) => setImmediate(resolve)); // let concurrent callers run, as real I/O would
    this.store.push({ raw, envelope: { mailFrom: envelope.from, rcptTo: [...envelope.to] } });
  }
}

/** A mailbox over a store array. */
export function storeMailbox(store: MailboxMessage[]): Mailbox {
  return {
    read: () => [...store],
    flush: () => {
      store.length = 0;
    },
  };
}

/** Broken: reports 0 whatever it delivered. */
export class ReturnsZeroBackend extends MemoryBackend {
  override async sendMessages(messages: Iterable<EmailMessage>): Promise<number> {
    await super.sendMessages(messages);
    return 0;
  }
}

/** Broken: neither writes Cc nor delivers to Cc recipients. */
export class DropsCcBackend extends MemoryBackend {
  protected override async deliverOne(prepared: PreparedMessage): Promise<void> {
    const cc = new Set(prepared.message.cc.map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).toLowerCase()));
    const raw = (await prepared.mime.asBytes()).toString('utf8').replace(/^Cc:.*\r\n(?:[ \t].*\r\n)*/im, '');
    this.store.push({
      raw,
      envelope: { mailFrom: prepared.envelope.from, rcptTo: prepared.envelope.to.filter((a) => !cc.has(a)) },
    });
  }
}

/** Broken: writes messages by hand without building them, so no header guard runs. */
export class SkipsGuardsBackend extends MemoryBackend {
  override async sendMessages(messages: Iterable<EmailMessage>): Promise<number> {
    if (typeof (messages as Iterable<EmailMessage>)?.[Symbol.iterator] !== 'function')
      throw new TypeError('not iterable');
    let count = 0;
    for (const m of messages) {
      const raw = `From: ${m.fromEmail}\r\nTo: ${m.to.join(', ')}\r\nCc: ${m.cc.join(', ')}\r\nSubject: ${m.subject}\r\n\r\n${m.body}`;
      this.store.push({ raw, envelope: { mailFrom: m.fromEmail ?? '', rcptTo: m.recipients() } });
      count++;
    }
    return count;
  }
}

/** A backend that delivers nothing, like dummy. */
export class NothingBackend extends BaseEmailBackend {
  override readonly capabilities: BackendCapabilities = { delivers: false, keepsConnection: false };
  protected override async deliverOne(): Promise<void> {}
}

/** Broken: writes the Bcc recipients into the message for everyone to see. */
export class LeaksBccBackend extends MemoryBackend {
  protected override async deliverOne(prepared: PreparedMessage): Promise<void> {
    const bcc = prepared.message.bcc.length ? `Bcc: ${prepared.message.bcc.join(', ')}\r\n` : '';
    const raw = Buffer.concat([Buffer.from(bcc), await prepared.mime.asBytes()]);
    this.store.push({ raw, envelope: { mailFrom: prepared.envelope.from, rcptTo: [...prepared.envelope.to] } });
  }
}
