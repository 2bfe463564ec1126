import { MailError, SendError } from '../errors.js';
import type { EmailMessage } from '../message/email-message.js';
import { prepareMessage } from './prepare-message.js';
import type { BackendCapabilities, BackendOptions, PreparedMessage } from './types.js';

/**
 * What a backend's {@link BaseEmailBackend.deliver} reports each message's fate to.
 * `failSilently` and error wrapping live here, once, for every backend.
 */
export interface DeliveryOutcome {
  /** Messages delivered so far in this batch. */
  readonly sent: number;
  /** Record that a message was delivered. */
  delivered(message: PreparedMessage): void;
  /**
   * Record that a message failed. With `failSilently` it returns and the batch goes on;
   * otherwise it throws a {@link SendError} naming the message and the count delivered before it.
   */
  failed(message: PreparedMessage, error: unknown): void;
}

/**
 * The contract every email backend implements. The public methods do the generic work once
 * (check every message before sending any, open if needed, serialise concurrent batches,
 * count, `failSilently`, close what they opened); a backend implements only
 * {@link BaseEmailBackend.deliverOne} (or {@link BaseEmailBackend.deliver} for a whole batch)
 * and, when it keeps a connection, `open()` and `close()`.
 *
 * @example
 * ```ts
 * class MyBackend extends BaseEmailBackend {
 *   protected async deliverOne({ mime, envelope }: PreparedMessage) {
 *     await myApi.send(envelope.from, envelope.to, await mime.asBytes());
 *   }
 * }
 * ```
 */
export abstract class BaseEmailBackend {
  /** Swallow delivery failures (never bad input) and count only what was delivered. */
  failSilently: boolean;

  /** What this backend can do; the conformance suite reads it. */
  readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: false };

  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #autoOpened = false;

  constructor(options: BackendOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`Backend options must be an object, got ${options === null ? 'null' : typeof options}.`);
    }
    this.failSilently = Boolean(options.failSilently);
  }

  /** Open a connection. Resolves true when it opened a new one, false when one was open or the backend has none. */
  async open(): Promise<boolean> {
    return false;
  }

  /** Close the connection, if any. Safe to call when nothing is open. */
  async close(): Promise<void> {}

  /** `await using backend = await getConnection()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Send a batch; resolves to the number delivered. Every message is checked (headers,
   * addresses) before any is sent. Opens a connection when none is open and closes it
   * afterwards; an already open connection stays open. Concurrent calls share one
   * connection and run one after another, never interleaved.
   */
  async sendMessages(messages: Iterable<EmailMessage>): Promise<number> {
    if (messages === null || typeof (messages as Iterable<EmailMessage>)?.[Symbol.iterator] !== 'function') {
      throw new TypeError('sendMessages() takes an array of EmailMessage objects.');
    }
    const list = Array.from(messages);
    if (list.length === 0) return 0;
    // Input errors (BadHeaderError, InvalidAddressError) are never silenced and come before any I/O.
    const batch = list.map((message, index) => prepareMessage(message, index));

    this.#inFlight++;
    try {
      return await this.#exclusive(async () => {
        if (!this.#autoOpened) {
          try {
            if (await this.open()) this.#autoOpened = true;
          } catch (error) {
            if (this.failSilently) return 0;
            throw toSendError(error, 'Could not open the connection', 0, undefined);
          }
        }
        const outcome = new Outcome(this.failSilently, batch.length);
        await this.deliver(batch, outcome);
        return outcome.sent;
      });
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0 && this.#autoOpened) {
        this.#autoOpened = false;
        await this.#exclusive(() => this.close()).catch((error) => {
          if (!this.failSilently) throw error;
        });
      }
    }
  }

  /**
   * Deliver a checked batch. The default delivers one message at a time with
   * {@link deliverOne}; override it to pipeline a whole batch, reporting each message to `outcome`.
   */
  protected async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome): Promise<void> {
    for (const message of batch) {
      try {
        await this.deliverOne(message);
      } catch (error) {
        outcome.failed(message, error);
        continue;
      }
      outcome.delivered(message);
    }
  }

  /** Deliver one checked message; throw to report its failure. */
  protected async deliverOne(_message: PreparedMessage): Promise<void> {
    throw new TypeError(`${this.constructor.name} must implement deliverOne() or deliver().`);
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

class Outcome implements DeliveryOutcome {
  sent = 0;
  constructor(
    private readonly failSilently: boolean,
    private readonly size: number,
  ) {}

  delivered(): void {
    this.sent++;
  }

  failed(message: PreparedMessage, error: unknown): void {
    if (error instanceof MailError && !(error instanceof SendError)) throw error; // bad input is never silenced
    if (this.failSilently) return;
    throw toSendError(
      error,
      `Message ${message.index + 1} of ${this.size} (to ${message.envelope.to.join(', ')}) failed; ${this.sent} delivered before it`,
      this.sent,
      message.index,
    );
  }
}

function toSendError(error: unknown, context: string, sent: number, index: number | undefined): SendError {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof SendError) {
    error.sent = sent;
    error.messageIndex ??= index;
    if (!error.message.startsWith(context)) error.message = `${context}: ${error.message}`;
    return error;
  }
  const transient = Boolean((error as { transient?: boolean } | null)?.transient);
  return new SendError(`${context}: ${reason}`, { cause: error, sent, transient, messageIndex: index });
}
