import { BaseEmailBackend, type PreparedMessage } from '@mail/core';

/** A backend that keeps the octets each message would have on the wire (read with asBytes or stream). */
export class BytesBackend extends BaseEmailBackend {
  static override readonly optionNames = ['read'] as const;
  readonly raw: Buffer[] = [];
  readonly #read: 'asBytes' | 'stream';

  constructor(options: Record<string, unknown> = {}) {
    super(options);
    this.#read = (options.read as 'asBytes' | 'stream') ?? 'asBytes';
  }

  protected override async deliverOne({ mime }: PreparedMessage): Promise<void> {
    if (this.#read === 'asBytes') {
      this.raw.push(await mime.asBytes());
      return;
    }
    const parts: Buffer[] = [];
    for await (const piece of mime.stream()) parts.push(piece as Buffer);
    this.raw.push(Buffer.concat(parts));
  }
}
