/**
 * Every error @mail throws on purpose extends {@link MailError}: a stable string `code`
 * (documented in docs/errors.md; messages may change, codes may not) and the underlying
 * error kept as `cause`.
 *
 * Errors are recognised across copies of this package (ESM and CJS loaded side by side):
 * `instanceof` checks a brand registered with `Symbol.for`, not the class identity.
 */

const BRAND = Symbol.for('@mail/core.error-kind');

/** Stable error codes. See docs/errors.md. */
export type MailErrorCode =
  | 'MAIL_BAD_HEADER'
  | 'MAIL_CONFIGURATION'
  | 'MAIL_BACKEND_IMPORT'
  | 'MAIL_MAILER_DOES_NOT_EXIST'
  | 'MAIL_INVALID_ADDRESS'
  | 'MAIL_SEND_FAILED'
  | 'MAIL_HOOK_FAILED'
  | (string & {});

export interface MailErrorOptions {
  cause?: unknown;
  code?: MailErrorCode;
}

/**
 * The stable name of an error class: its own static `errorName` when it declares one (the
 * classes here do, because a bundler may rename a class, e.g. `SendError2`), else its `name`.
 */
function kindOf(ctor: unknown): string {
  const c = ctor as { errorName?: string; name: string };
  return Object.hasOwn(c, 'errorName') && typeof c.errorName === 'string' ? c.errorName : c.name;
}

function brandedInstanceOf(kind: string, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const kinds = (value as { [BRAND]?: readonly string[] })[BRAND];
  return Array.isArray(kinds) && kinds.includes(kind);
}

/** The base class of every error this library throws on purpose. */
export class MailError extends Error {
  /** Stable machine-readable code; see docs/errors.md. */
  readonly code: MailErrorCode;

  constructor(message: string, options: MailErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Non-enumerable like Error's own `name`, so util.inspect shows it once, in the header.
    Object.defineProperty(this, 'name', {
      value: kindOf(new.target),
      enumerable: false,
      writable: true,
      configurable: true,
    });
    this.code = options.code ?? (new.target as unknown as { defaultCode?: MailErrorCode }).defaultCode ?? 'MAIL_ERROR';
    // Record every class in the chain by name, so a second copy of this package recognises it.
    const kinds: string[] = [];
    for (let p = new.target; p && p !== (Error as unknown); p = Object.getPrototypeOf(p)) kinds.push(kindOf(p));
    Object.defineProperty(this, BRAND, { value: kinds, enumerable: false });
  }

  /** The class's stable name (used for `name` and for cross-copy `instanceof`). */
  static readonly errorName: string = 'MailError';
  static defaultCode: MailErrorCode = 'MAIL_ERROR';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof` (a subclass too), not MailError.
    // biome-ignore lint/complexity/noThisInStatic: see above
    return Function.prototype[Symbol.hasInstance].call(this, value) || brandedInstanceOf(kindOf(this), value);
  }
}

/** A header name or value would inject a header or a line (CR, LF, U+0085, U+2028, U+2029…). */
export class BadHeaderError extends MailError {
  static override readonly errorName: string = 'BadHeaderError';
  static override defaultCode: MailErrorCode = 'MAIL_BAD_HEADER';
}

/** A setting, a backend option or a path is wrong. The message names it. */
export class ConfigurationError extends MailError {
  static override readonly errorName: string = 'ConfigurationError';
  static override defaultCode: MailErrorCode = 'MAIL_CONFIGURATION';
}

/** A backend could not be imported or is not a backend class. The message names the specifier. */
export class BackendImportError extends MailError {
  static override readonly errorName: string = 'BackendImportError';
  static override defaultCode: MailErrorCode = 'MAIL_BACKEND_IMPORT';
}

/** `using: alias` names a mailer that the `mailers` setting does not define. */
export class MailerDoesNotExist extends MailError {
  static override readonly errorName: string = 'MailerDoesNotExist';
  static override defaultCode: MailErrorCode = 'MAIL_MAILER_DOES_NOT_EXIST';
}

/** An address is malformed (an envelope address, a header address). */
export class InvalidAddressError extends MailError {
  static override readonly errorName: string = 'InvalidAddressError';
  static override defaultCode: MailErrorCode = 'MAIL_INVALID_ADDRESS';
}

export interface SendErrorOptions extends MailErrorOptions {
  /** How many messages of the batch were delivered before the failure. */
  sent?: number;
  /** Whether retrying later may succeed (4xx replies, timeouts, dropped connections). */
  transient?: boolean;
  /** Index in the batch of the message that failed, when one did. */
  messageIndex?: number;
  /**
   * The server may have the message: the connection dropped (or timed out) after the message was
   * sent in full and before the server's reply. A retry never sends such a message again.
   */
  maybeDelivered?: boolean;
}

/** Delivery failed. `sent` counts what was delivered before the failure. */
export class SendError extends MailError {
  static override readonly errorName: string = 'SendError';
  static override defaultCode: MailErrorCode = 'MAIL_SEND_FAILED';
  /** Messages of the batch delivered before the failure. */
  sent: number;
  /** True when retrying later may succeed. */
  transient: boolean;
  /** Index in the batch of the message that failed, if known. */
  messageIndex: number | undefined;
  /**
   * True when the server may have the message after all (the connection was lost after it was
   * sent in full, before the reply): not retried, so it is never delivered twice.
   */
  maybeDelivered: boolean;

  constructor(message: string, options: SendErrorOptions = {}) {
    super(message, options);
    this.sent = options.sent ?? 0;
    this.transient = options.transient ?? false;
    this.messageIndex = options.messageIndex;
    this.maybeDelivered = options.maybeDelivered ?? false;
  }
}

export interface HookErrorOptions extends MailErrorOptions {
  /** Which kind of hook threw. */
  hook: 'onBeforeSend' | 'onSent' | 'onFailed';
  /** Messages of the batch delivered (0 when a before-send hook threw: nothing was sent). */
  sent: number;
}

/**
 * A send hook (`onBeforeSend`, `onSent`, `onFailed`) threw; `cause` is what it threw. Never
 * silenced by `failSilently`. `sent` says how many messages of the batch went out: 0 when a
 * before-send hook threw (nothing of the batch was sent); after an `onSent` hook, the messages
 * were delivered and must not be sent again.
 */
export class HookError extends MailError {
  static override readonly errorName: string = 'HookError';
  static override defaultCode: MailErrorCode = 'MAIL_HOOK_FAILED';
  /** The kind of hook that threw. */
  readonly hook: HookErrorOptions['hook'];
  /** Messages of the batch delivered. */
  readonly sent: number;

  constructor(message: string, options: HookErrorOptions) {
    super(message, options);
    this.hook = options.hook;
    this.sent = options.sent;
  }
}
