import type { Writable } from 'node:stream';
import {
  type BackendCapabilities,
  type BackendOptions,
  BaseEmailBackend,
  type CommonBackendOptions,
  type MimeMessage,
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
 * wire), then a line of 79 `-`. A message held in memory goes out in one `write()`; one with
 * `attachFile` files or streams is streamed chunk by chunk (never held whole), each write
 * awaited. Messages to one stream are written one after another, so sends running at the same
 * time, even through different backends sharing the stream, never interleave.
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

  protected override deliverOne({ mime }: PreparedMessage): Promise<void> {
    return inTurn(this.stream, () => writeMessage(this.stream, mime));
  }
}

// The last write queued on each stream, whichever backend queued it.
const turns = new WeakMap<Writable, Promise<unknown>>();

/** Run `task` once every message queued on `stream` before it is written. */
function inTurn(stream: Writable, task: () => Promise<void>): Promise<void> {
  const run = (turns.get(stream) ?? Promise.resolve()).then(task);
  turns.set(
    stream,
    run.catch(() => undefined),
  );
  return run;
}

/** One message and its separator: one write when it is in memory, else chunk by chunk as it streams. */
async function writeMessage(stream: Writable, mime: MimeMessage): Promise<void> {
  if (mime.isInMemory) {
    const bytes = await mime.asBytes();
    await write(stream, Buffer.concat(ends(bytes) ? [bytes, SEPARATOR] : [bytes, CRLF, SEPARATOR]));
    return;
  }
  let last: Buffer = CRLF; // an empty message needs no line end before the separator
  for await (const chunk of mime.stream() as AsyncIterable<Buffer>) {
    if (chunk.length === 0) continue;
    await write(stream, chunk);
    last = chunk;
  }
  await write(stream, ends(last) ? SEPARATOR : Buffer.concat([CRLF, SEPARATOR]));
}

const ends = (bytes: Buffer) => bytes.length === 0 || bytes[bytes.length - 1] === 0x0a;

/** Resolve when the stream has taken the chunk (after a drain, when it is full). */
function write(stream: Writable, chunk: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
