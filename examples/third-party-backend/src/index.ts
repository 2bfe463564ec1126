import { appendFile } from 'node:fs/promises';
import {
  type BackendCapabilities,
  type BackendOptions,
  BaseEmailBackend,
  ConfigurationError,
  type PreparedMessage,
} from '@mail/core';

/** Options of {@link JsonLinesBackend}. */
export interface JsonLinesBackendOptions extends BackendOptions {
  /** The file each message is appended to, one JSON object a line. */
  path?: string;
}

/** One line of the file. */
export interface JsonLinesEntry {
  from: string;
  to: string[];
  /** The message bytes, base64. */
  raw: string;
}

/**
 * Appends every message to a JSON Lines file as `{ from, to, raw }`: for a queue worker to pick
 * up. The base class does the generic work (header guards, counting, failSilently, queueing
 * concurrent batches); this class only writes.
 *
 * @example
 * ```ts
 * const connection = await getConnection(JsonLinesBackend, { path: '/var/spool/mail.jsonl' });
 * ```
 */
export class JsonLinesBackend extends BaseEmailBackend {
  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: false };
  readonly path: string;

  constructor(options: JsonLinesBackendOptions = {}) {
    super(options);
    if (typeof options.path !== 'string' || options.path === '') {
      throw new ConfigurationError('The JSON Lines backend needs a path option: the file to append messages to.');
    }
    this.path = options.path;
  }

  protected override async deliverOne({ mime, envelope }: PreparedMessage): Promise<void> {
    const entry: JsonLinesEntry = {
      from: envelope.from,
      to: envelope.to,
      raw: (await mime.asBytes()).toString('base64'),
    };
    await appendFile(this.path, `${JSON.stringify(entry)}\n`);
  }
}

export { JsonLinesBackend as EmailBackend };
export default JsonLinesBackend;
