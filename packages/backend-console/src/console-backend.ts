import type { Writable } from 'node:stream';
import {
  type BackendCapabilities,
  type BackendOptions,
  BaseEmailBackend,
  type CommonBackendOptions,
  type PreparedMessage,
} from '@mail/core';

/** What follows every message: a line of 79 `-`, as Django's console backend writes. */
export const MESSAGE_SEPARATOR = `${'-'.repeat(79)}\r\n`;

const CRLF = Buffer.from('\r\n');
const SEPARATOR = Buffer.from(MESSAGE_SEPARATOR);

/** Options of the console backend. */
export type ConsoleBackendOptions = CommonBackendOptions & {
  /** Swallow write failures and count only what was written. */
  failSilently?: boolean;
  /** Where to write. Default: `process.stdout`. */
  stream?: Writable | null;
};

/**
 * An email backend that writes each message to a stream (stdout by default) instead of sending
 * it, as Django's `console.EmailBackend` does: the message's bytes (CRLF line endings, as on the
 * wire), then a line of 79 `-`. Each message goes out in one `write()`, so sends running at the
 * same time, even through different backends sharing the stream, never interleave.
 *
 * @example
 * ```ts
 * import { configure, sendMail } from '@mail/core';
 * configure({ emailBackend: 'console' });
 * await sendMail({ subject: 'Hi', message: 'Hello', recipientList: ['to@example.com'] }); // printed
 * ```
 */
export class ConsoleBackend extends BaseEmailBackend {
  /** The name in send events and delivery reports. */
  static override readonly backendName: string = 'console';
  /** The options this backend accepts (a mailer entry with any other option is a configuration error). */
  static override readonly optionNames: readonly string[] = ['stream'];

  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: false };

  /** The stream messages are written to. */
  stream: Writable;

  constructor(options: ConsoleBackendOptions = {}) {
    super(options as BackendOptions);
    const stream = options.stream ?? process.stdout;
    if (typeof (stream as Writable)?.write !== 'function') {
      throw new TypeError('The console backend option "stream" must be a writable stream (with a write() method).');
    }
    this.stream = stream;
  }

  protected override async deliverOne({ mime }: PreparedMessage): Promise<void> {
    await writeMessage(this.stream, await mime.asBytes());
  }
}

/** Write one message and its separator in a single write, resolving when the stream took it. */
export function writeMessage(stream: Writable, bytes: Buffer): Promise<void> {
  const parts = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a ? [bytes, SEPARATOR] : [bytes, CRLF, SEPARATOR];
  const chunk = Buffer.concat(parts);
  return new Promise<void>((resolve, reject) => {
    // The callback fires once the stream has taken the chunk (after a drain, when it is full).
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
