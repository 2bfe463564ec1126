import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type BackendCapabilities,
  type BackendOptions,
  BaseEmailBackend,
  type CommonBackendOptions,
  ConfigurationError,
  type PreparedMessage,
} from '@mail/core';
import { sessionFileName } from './session-file-name.js';

/** What follows every message: a line of 79 `-`, as on the console backend. */
const SEPARATOR = Buffer.from(`${'-'.repeat(79)}\r\n`);
const CRLF = Buffer.from('\r\n');

/** Options of the file backend. */
export type FileBackendOptions = CommonBackendOptions & {
  /** Swallow write failures and count only what was written. */
  failSilently?: boolean;
  /** The directory to write into (created when missing). Default: the `emailFilePath` setting. */
  filePath?: string | null;
};

/**
 * An email backend that writes messages to files, as Django's `filebased.EmailBackend` does:
 * every opened session (an `open()`, or a `sendMessages` that opened one itself) gets a new file
 * in `filePath`, named `<date>-<time>-<pid>-<n>.log` and created exclusively, so sessions running
 * at the same time (in this or another process) never write into each other's files. Each
 * message is written as on the console: its bytes, then a line of 79 `-`.
 *
 * The directory is checked at construction: no path at all, a path that exists and is not a
 * directory, a directory that cannot be created or is not writable are each a
 * `ConfigurationError` naming the path. A write failure (disk full…) is reported like any
 * delivery failure, never swallowed unless `failSilently` says so.
 *
 * @example
 * ```ts
 * import { EmailBackend } from '@mail/backend-file';
 * const backend = new EmailBackend({ filePath: '/tmp/app-messages' });
 * await backend.sendMessages([message]); // /tmp/app-messages/20261123-200000-4242-1.log
 * ```
 */
export class FileBackend extends BaseEmailBackend {
  /** The name in send events and delivery reports. */
  static override readonly backendName: string = 'file';
  /** The options this backend accepts (a mailer entry with any other option is a configuration error). */
  static override readonly optionNames: readonly string[] = ['filePath'];

  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: true };

  /** The absolute directory messages are written into. */
  readonly filePath: string;

  #handle: FileHandle | null = null;
  #fileName: string | null = null;
  /** Bytes of whole messages in the session's file: where the next message starts. */
  #size = 0;

  constructor(options: FileBackendOptions = {}) {
    super(options as BackendOptions);
    const given = options.filePath ?? this.settingDefaults().emailFilePath;
    if (given === null || given === undefined || given === '') {
      throw new ConfigurationError(
        'The file email backend needs a directory: pass the filePath option or set the emailFilePath setting (EMAIL_FILE_PATH).',
      );
    }
    if (typeof given !== 'string') {
      throw new ConfigurationError(`The file email backend option "filePath" must be a string, got ${typeof given}.`);
    }
    this.filePath = resolve(given);
    checkDirectory(this.filePath);
  }

  /** The file of the open session, or null when none is open. */
  get fileName(): string | null {
    return this.#fileName;
  }

  /** Start a session: create its file. Resolves true when it did, false when one was open. */
  override async open(): Promise<boolean> {
    return this.#openSession();
  }

  async #openSession(): Promise<boolean> {
    if (this.#handle) return false;
    // 'wx' fails when the name exists: the next number is tried, so no two sessions share a file.
    for (;;) {
      const path = join(this.filePath, sessionFileName());
      try {
        this.#handle = await open(path, 'wx');
        this.#fileName = path;
        this.#size = 0;
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }

  /** End the session: close its file. */
  override async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    this.#fileName = null;
    await handle?.close();
  }

  protected override async deliverOne({ mime }: PreparedMessage): Promise<void> {
    if (!this.#handle) await this.#openSession();
    const handle = this.#handle!;
    const start = this.#size;
    let position = start;
    let last = 0x0a; // an empty message needs no line end before the separator
    try {
      // Streamed, chunk by chunk: a message with attachFile() files is never held whole in memory.
      for await (const chunk of mime.stream() as AsyncIterable<Buffer>) {
        if (chunk.length === 0) continue;
        await writeAll(handle, chunk, position);
        position += chunk.length;
        last = chunk[chunk.length - 1];
      }
      const ending = last === 0x0a ? SEPARATOR : Buffer.concat([CRLF, SEPARATOR]);
      await writeAll(handle, ending, position);
      position += ending.length;
    } catch (error) {
      // A torn message (disk full mid-write) is cut off again, so the next message of the
      // session is not glued to it; when even that fails, the session goes on in a new file.
      await handle.truncate(start).catch(async () => {
        await this.close().catch(() => {});
      });
      throw error;
    }
    this.#size = position;
  }
}

/** Write every byte at `position`: a write may take fewer bytes than given. */
async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, position + offset);
    if (bytesWritten <= 0) throw new Error('The file backend could not write: no bytes were written.');
    offset += bytesWritten;
  }
}

/** Create the directory when missing and check it is a writable directory (Django's checks). */
function checkDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new ConfigurationError(`The path for saving email messages exists, but is not a directory: ${path}`, {
        cause: error,
      });
    }
    throw new ConfigurationError(
      `Could not create the directory for saving email messages: ${path} (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (!statSync(path).isDirectory()) {
    throw new ConfigurationError(`The path for saving email messages exists, but is not a directory: ${path}`);
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw new ConfigurationError(`Could not write to the directory for saving email messages: ${path}`, {
      cause: error,
    });
  }
}
