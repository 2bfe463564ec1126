import { BaseEmailBackend, EmailMessage, type PreparedMessage } from '@mail/core';

/** A promise with its resolver, to hold a delivery until the test lets it go (no timers). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A backend that keeps a log of what happens to it: 'open', 'close' and one 'deliver <subject>'
 * per message, with hooks to fail or hold a delivery.
 */
export class RecordingBackend extends BaseEmailBackend {
  static override readonly optionNames = ['log', 'failOn', 'holdOn', 'openError', 'closeError'] as const;
  log: string[];
  connected = false;
  opens = 0;
  failOn: (subject: string) => unknown;
  holdOn: Map<string, Promise<void>>;
  openError: unknown;
  closeError: unknown;

  constructor(options: Record<string, unknown> = {}) {
    super(options);
    this.log = (options.log as string[]) ?? [];
    this.failOn = (options.failOn as (subject: string) => unknown) ?? (() => undefined);
    this.holdOn = (options.holdOn as Map<string, Promise<void>>) ?? new Map();
    this.openError = options.openError;
    this.closeError = options.closeError;
  }

  override async open(): Promise<boolean> {
    if (this.openError) throw this.openError;
    if (this.connected) return false;
    this.connected = true;
    this.opens++;
    this.log.push('open');
    return true;
  }

  override async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    this.log.push('close');
    if (this.closeError) throw this.closeError;
  }

  protected override async deliverOne({ message }: PreparedMessage): Promise<void> {
    if (!this.connected) throw new Error(`delivered "${message.subject}" without a connection`);
    this.log.push(`start ${message.subject}`);
    await this.holdOn.get(message.subject);
    const error = this.failOn(message.subject);
    if (error) throw error;
    this.log.push(`deliver ${message.subject}`);
  }
}

/** A plain message to `to@example.com` with `subject`. */
export function msg(subject: string, extra: Partial<ConstructorParameters<typeof EmailMessage>[0]> = {}): EmailMessage {
  return new EmailMessage({
    subject,
    body: `Body of ${subject}`,
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
    ...extra,
  });
}

/**
 * A fresh backend class per call that records every instance and every batch it was given
 * (the messages themselves, checked by the base class as usual).
 */
export function captureBackend(options: { fail?: boolean } = {}) {
  const instances: CapturingBackend[] = [];
  const batches: EmailMessage[][] = [];
  const log: string[] = [];
  class CapturingBackend extends BaseEmailBackend {
    static override readonly optionNames = ['username', 'password'];
    options: Record<string, unknown>;
    constructor(opts: Record<string, unknown> = {}) {
      super(opts);
      this.options = { ...opts };
      instances.push(this);
    }
    override async open() {
      log.push('open');
      return true;
    }
    override async close() {
      log.push('close');
    }
    override async sendMessages(messages: Iterable<EmailMessage>) {
      const list = [...messages];
      batches.push(list);
      return super.sendMessages(list);
    }
    protected override async deliverOne({ message }: PreparedMessage) {
      if (options.fail) throw new Error(`refused ${message.subject}`);
      log.push(`deliver ${message.subject}`);
    }
  }
  return { Backend: CapturingBackend, instances, batches, log };
}
