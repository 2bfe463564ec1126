import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { type DkimKey, resolveDkim } from '../dkim/dkim-options.js';
import { SignedMessage } from '../dkim/signed-message.js';
import { MailError, SendError } from '../errors.js';
import type { DeliveryDetails, DeliveryReport } from '../message/delivery-report.js';
import type { EmailMessage } from '../message/email-message.js';
import { Sandbox } from '../sandbox/sandbox.js';
import type { Settings } from '../settings/definitions.js';
import { type RetryPolicy, resolveRetry, retryDelay } from '../settings/retry-options.js';
import { defaultSettings, getSettings } from '../settings/settings-store.js';
import { checkOptionNames, MAILER_ALIAS } from './backend-context.js';
import { backendLabel, isObserved, observeSend, type SendObserver } from './observe-send.js';
import { droppedOf, prepareMessage } from './prepare-message.js';
import { inspectBackend, shownFields } from './shown-fields.js';
import type { BackendCapabilities, BackendOptions, PreparedMessage } from './types.js';

/** Brand on the prototype, so a backend from another copy of @mail/core passes `instanceof`. */
const BACKEND_BRAND = Symbol.for('@mail/core.backend');

/**
 * What a backend's {@link BaseEmailBackend.deliver} reports each message's fate to.
 * `failSilently` and error wrapping live here, once, for every backend.
 */
export interface DeliveryOutcome {
  /** Messages delivered so far in this batch. */
  readonly sent: number;
  /**
   * Record that a message was delivered (a message some recipients accepted counts), with what
   * the server said: it becomes `message.delivery`.
   */
  delivered(message: PreparedMessage, details?: DeliveryDetails): void;
  /**
   * Record that a message failed (`details` say what the server refused, for its report). With
   * `failSilently` it returns and the batch goes on; otherwise it throws a {@link SendError}
   * naming the message and the count delivered before it.
   */
  failed(message: PreparedMessage, error: unknown, details?: DeliveryDetails): void;
}

/**
 * The contract every email backend implements. The public methods do the generic work once
 * (check every message before sending any, open if needed, serialise concurrent batches,
 * count, `failSilently`, close what they opened); a backend implements only
 * {@link BaseEmailBackend.deliverOne} (or {@link BaseEmailBackend.deliver} for a whole batch)
 * and, when it keeps a connection, `open()` and `close()`.
 *
 * Conventions for subclasses (see docs/writing-a-backend.md):
 * - declare the accepted constructor options in `static readonly optionNames`; any other option
 *   is a ConfigurationError naming it (`failSilently` is always accepted);
 * - take fallbacks for options not given from {@link BaseEmailBackend.settingDefaults}, never
 *   from `getSettings()` directly, so a backend built from a `mailers` entry uses that entry alone;
 * - {@link BaseEmailBackend.alias} is the mailer alias it was built for, or null.
 *
 * @example
 * ```ts
 * class MyBackend extends BaseEmailBackend {
 *   static readonly optionNames = ['apiKey'] as const;
 *   protected async deliverOne({ mime, envelope }: PreparedMessage) {
 *     await myApi.send(envelope.from, envelope.to, await mime.asBytes());
 *   }
 * }
 * ```
 */
export abstract class BaseEmailBackend {
  /**
   * The constructor options this backend accepts (besides `failSilently`). When a class declares
   * it, any other option is a ConfigurationError; when it is undefined, options are not checked.
   */
  static readonly optionNames?: readonly string[];

  /**
   * The backend's name in send events and delivery reports ('smtp', 'locmem', …); the class
   * name when a class does not declare it.
   */
  static readonly backendName?: string;

  /** Swallow delivery failures (never bad input) and count only what was delivered. */
  failSilently: boolean;

  /** The `mailers` alias this backend was built for (`mailers.get(alias)`), or null. */
  readonly alias: string | null;

  /** What this backend can do; the conformance suite reads it. */
  readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: false };

  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #autoOpened = false;
  readonly #dkim: readonly DkimKey[] | null;
  readonly #sandbox: Sandbox | null;
  readonly #retry: RetryPolicy | null;
  /** The backend's own open(), which rejects on failure whatever failSilently says. */
  readonly #openOrThrow: () => Promise<boolean>;

  constructor(options: BackendOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`Backend options must be an object, got ${options === null ? 'null' : typeof options}.`);
    }
    const alias = (options as { [MAILER_ALIAS]?: unknown })[MAILER_ALIAS];
    this.alias = typeof alias === 'string' ? alias : null;
    checkOptionNames(new.target, options, this.alias);
    this.failSilently = Boolean(options.failSilently);
    // One rule for open() under failSilently, for every backend (docs/writing-a-backend.md): a
    // failure to open resolves false instead of rejecting (Django's open() returns None); a
    // configuration error still rejects. The backend's own open() just throws.
    const open = this.open;
    this.#openOrThrow = () => open.call(this);
    Object.defineProperty(this, 'open', {
      value: async (): Promise<boolean> => {
        try {
          return await open.call(this);
        } catch (error) {
          if (this.failSilently && !isConfigurationProblem(error)) return false;
          throw error;
        }
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
    this.#sandbox = Sandbox.of(options, (o) => (this.alias === null ? o : `mailer "${this.alias}": ${o}`));
    this.#dkim =
      options.dkim === undefined
        ? null
        : resolveDkim(options.dkim, this.alias === null ? 'dkim' : `mailer "${this.alias}": dkim`);
    this.#retry =
      options.retry === undefined
        ? resolveRetry(this.settingDefaults().emailRetry, 'Setting "emailRetry"')
        : resolveRetry(options.retry, this.alias === null ? 'The option "retry"' : `Mailer "${this.alias}": retry`);
  }

  /** The retry policy this backend applies (from its `retry` option or the `emailRetry` setting), or null when off. */
  get retry(): RetryPolicy | null {
    return this.#retry;
  }

  /**
   * Where options not given to the constructor come from: the resolved settings
   * (`configure()` over the environment over the defaults), except for a backend built from a
   * `mailers` entry, which sees only the built-in defaults, because a mailer takes its options
   * from its entry alone.
   */
  protected settingDefaults(): Settings {
    return this.alias === null ? getSettings() : defaultSettings();
  }

  /** What `JSON.stringify` shows: the fields, secrets (passwords, TLS keys, passphrases) redacted. */
  toJSON(): Record<string, unknown> {
    return shownFields(this);
  }

  /** What `util.inspect` shows, whatever its options: the fields, secrets redacted. */
  [inspect.custom](_depth: number, options: object): string {
    return inspectBackend(this, options);
  }

  /**
   * Open a connection. Resolves true when it opened a new one, false when one was open or the
   * backend has none. With `failSilently`, a failure to open resolves false too (the base class
   * makes that one rule for every backend; a configuration error still rejects).
   */
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
    // Send events and hooks, once here for every backend; nothing of it runs while no one listens.
    if (isObserved()) return observeSend(this, list, (batch, observer) => this.#send(batch, observer));
    return this.#send(list, null);
  }

  async #send(list: EmailMessage[], observer: SendObserver | null): Promise<number> {
    // Input errors (BadHeaderError, InvalidAddressError) are never silenced and come before any I/O.
    const prepared = list.map((message, index) => prepareMessage(message, index, this.#sandbox));
    // A message the sandbox left with no recipient is not sent and not counted (see `dropped`).
    const batch = this.#sandbox ? prepared.filter((p) => p.envelope.to.length > 0 || !p.dropped?.length) : prepared;
    if (observer && batch.length < prepared.length)
      for (const p of prepared) if (!batch.includes(p)) observer.dropped(p);
    if (batch.length === 0) return 0;
    if (this.#dkim) for (const prepared of batch) prepared.mime = new SignedMessage(prepared.mime, this.#dkim);

    this.#inFlight++;
    let sent = 0;
    let failure: { error: unknown } | undefined;
    try {
      sent = await this.#exclusive(() => this.#sendBatch(batch, list.length, observer));
    } catch (error) {
      failure = { error };
    }
    this.#inFlight--;
    // The last batch in flight closes what a batch opened; an open() by the caller is left alone.
    if (this.#inFlight === 0 && this.#autoOpened) {
      this.#autoOpened = false;
      try {
        await this.#exclusive(() => this.close());
      } catch (error) {
        // A delivery error matters more than the close error that may follow it.
        if (!failure && !this.failSilently)
          failure = { error: toSendError(error, 'Could not close the connection', sent, undefined) };
      }
    }
    if (failure) throw failure.error;
    return sent;
  }

  /**
   * One batch, in attempts: deliver it, then (with `retry`) wait and deliver again the messages
   * that failed transiently, until none is left or the attempts are spent.
   */
  async #sendBatch(batch: PreparedMessage[], size: number, observer: SendObserver | null): Promise<number> {
    const retry = this.#retry;
    const outcome = new Outcome(this.failSilently, size, this.alias, backendLabel(this), retry, observer);
    let pending = batch;
    for (;;) {
      const openError = await this.#openForBatch();
      if (openError === undefined) await this.deliver(pending, outcome);
      else if (!outcome.retryAll(pending, openError)) {
        if (!retry) {
          const sendError = toSendError(openError, 'Could not open the connection', 0, undefined);
          if (observer) for (const p of batch) observer.failed(p, sendError);
          if (this.failSilently) return 0;
          throw sendError;
        }
        for (const message of pending) outcome.failed(message, openError);
      }
      pending = outcome.takeRetries();
      if (pending.length === 0 || retry === null) break;
      await sleep(retryDelay(retry, outcome.attempt));
      outcome.attempt++;
      // A retry starts on a fresh connection when this batch opened the one that failed.
      if (this.#autoOpened) {
        this.#autoOpened = false;
        await this.close().catch(() => undefined);
      }
    }
    outcome.finish();
    return outcome.sent;
  }

  /** Open a connection if none is; resolves to the delivery error that prevented it, if any. */
  async #openForBatch(): Promise<unknown> {
    if (this.#autoOpened) return undefined;
    try {
      if (await this.#openOrThrow()) this.#autoOpened = true;
      return undefined;
    } catch (error) {
      if (isConfigurationProblem(error)) throw error; // configuration, not delivery
      return error ?? new SendError('open() failed without a reason');
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

  /** True for instances of this class, and for backends from another copy of @mail/core. */
  static [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof`: a subclass check stays an identity
    // check; only the base class also recognises the brand of another copy.
    const branded = value !== null && typeof value === 'object' && BACKEND_BRAND in value;
    // biome-ignore lint/complexity/noThisInStatic: see above
    return Function.prototype[Symbol.hasInstance].call(this, value) || (branded && this === BaseEmailBackend);
  }
}

Object.defineProperty(BaseEmailBackend.prototype, BACKEND_BRAND, { value: true });

class Outcome implements DeliveryOutcome {
  sent = 0;
  /** The attempt under way (1 unless retried). */
  attempt = 1;
  /** Messages of this attempt that failed transiently and get another. */
  #retries: PreparedMessage[] = [];
  /** With retry on, the failures kept for the end (the batch goes on past them). */
  #failures: { message: PreparedMessage; error: unknown }[] = [];

  constructor(
    private readonly failSilently: boolean,
    private readonly size: number,
    private readonly mailer: string | null,
    private readonly backend: string,
    private readonly retry: RetryPolicy | null,
    private readonly observer: SendObserver | null,
  ) {}

  delivered(message: PreparedMessage, details?: DeliveryDetails): void {
    this.sent++;
    message.message.delivery = this.#report(message, details, true);
    this.observer?.delivered(message);
  }

  failed(message: PreparedMessage, error: unknown, details?: DeliveryDetails): void {
    if (isConfigurationProblem(error)) {
      this.observer?.failed(message, error);
      throw error; // bad input is never silenced
    }
    message.message.delivery = this.#report(message, details, false);
    if (this.retry) {
      // The batch goes on: a transient failure gets another attempt, a final one is thrown at the end.
      if (this.#mayRetry(error)) this.#retries.push(message);
      else {
        this.observer?.failed(message, error);
        if (!this.failSilently) this.#failures.push({ message, error });
      }
      return;
    }
    if (this.failSilently && !this.observer) return;
    const sendError = toSendError(
      error,
      `Message ${message.index + 1} of ${this.size} (to ${message.envelope.to.join(', ')}) failed; ${this.sent} delivered before it`,
      this.sent,
      message.index,
    );
    this.observer?.failed(message, sendError);
    if (this.failSilently) return;
    throw sendError;
  }

  /** A connection that did not open: the whole attempt is retried, when it may be. */
  retryAll(pending: PreparedMessage[], error: unknown): boolean {
    if (!this.#mayRetry(error)) return false;
    this.#retries.push(...pending);
    return true;
  }

  /** The messages to try again, in batch order; empty when none is left. */
  takeRetries(): PreparedMessage[] {
    const retries = this.#retries.sort((a, b) => a.index - b.index);
    this.#retries = [];
    return retries;
  }

  /** With retry on: throw for the first message that failed for good, now every message had its attempts. */
  finish(): void {
    if (this.#failures.length === 0) return;
    const [first] = this.#failures.sort((a, b) => a.message.index - b.message.index);
    const { message, error } = first!;
    const others = this.#failures.length - 1;
    const attempts = message.message.delivery?.attempts ?? 1;
    throw toSendError(
      error,
      `Message ${message.index + 1} of ${this.size} (to ${message.envelope.to.join(', ')}) failed` +
        `${attempts > 1 ? ` after ${attempts} attempts` : ''}; ${this.sent} of the batch delivered` +
        `${others > 0 ? `, ${others} other${others > 1 ? 's' : ''} failed` : ''}`,
      this.sent,
      message.index,
    );
  }

  /** Transient (by the error taxonomy), not possibly delivered already, and attempts left. */
  #mayRetry(error: unknown): boolean {
    if (this.retry === null || this.attempt >= this.retry.attempts) return false;
    if (isConfigurationProblem(error)) return false;
    if ((error as { maybeDelivered?: unknown } | null)?.maybeDelivered === true) return false; // never twice
    return error instanceof SendError ? error.transient : isTransient(error);
  }

  #report(message: PreparedMessage, details: DeliveryDetails | undefined, delivered: boolean): DeliveryReport {
    const from = details?.report ?? null;
    return {
      messageId: from?.messageId ?? message.mime.getHeader('Message-ID') ?? '',
      accepted: [...(details?.accepted ?? from?.accepted ?? (delivered ? message.envelope.to : []))],
      rejected: [...(details?.rejected ?? from?.rejected ?? []).map((r) => ({ ...r })), ...droppedOf(message)],
      response: details?.response ?? from?.response ?? null,
      mailer: from ? from.mailer : this.mailer,
      backend: from ? from.backend : this.backend,
      attempts: this.attempt + (from ? from.attempts - 1 : 0),
    };
  }
}

/** Network failures that a later retry may get past. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEOUT',
]);

function isTransient(error: unknown): boolean {
  const e = error as { transient?: unknown; code?: unknown; responseCode?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.transient === 'boolean') return e.transient;
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500; // RFC 5321 §4.2.1: 4yz is transient
  return typeof e.code === 'string' && TRANSIENT_CODES.has(e.code);
}

/** A MailError other than a SendError (configuration, input): never silenced, not a delivery failure. */
function isConfigurationProblem(error: unknown): boolean {
  return error instanceof MailError && !(error instanceof SendError);
}

function toSendError(error: unknown, context: string, sent: number, index: number | undefined): SendError {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof SendError) {
    error.sent = sent;
    error.messageIndex ??= index;
    if (!error.message.startsWith(context)) error.message = `${context}: ${error.message}`;
    return error;
  }
  return new SendError(`${context}: ${reason}`, {
    cause: error,
    sent,
    transient: isTransient(error),
    messageIndex: index,
  });
}
