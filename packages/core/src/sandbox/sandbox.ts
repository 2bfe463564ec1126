import { domainToASCII } from 'node:url';
import { bareAddresses } from '../addresses/parse-address.js';
import { ConfigurationError } from '../errors.js';
import type { EmailMessage } from '../message/email-message.js';
import { type Envelope, envelopeOf } from '../message/envelope.js';

/** What `allowedRecipients` takes: an address (exact, case-insensitive), `@domain`, or a RegExp tested on the bare address. */
export type AllowedRecipient = string | RegExp;

/** The staging options every backend takes (Laravel's `alwaysTo`, Symfony's `allowed_recipients`). */
export interface SandboxOptions {
  /** Every message goes only to these addresses (envelope, To; Cc emptied); originals in X-Original-To / X-Original-Cc. */
  redirectTo?: readonly string[];
  /** Envelope recipients matching none of these are dropped; a message left with none is not sent. */
  allowedRecipients?: readonly AllowedRecipient[];
}

/** A message after the sandbox: the message to build, its envelope, and the recipients dropped. */
export interface Sandboxed {
  source: EmailMessage;
  envelope: Envelope;
  /** Envelope recipients `allowedRecipients` took out (bare addresses). */
  dropped: string[];
}

function addressesOf(list: unknown, where: string): string[] {
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string'))
    throw new ConfigurationError(`${where} must be a non-empty list of addresses, e.g. ['qa@example.com'].`);
  for (const address of list) {
    try {
      bareAddresses(address, where);
    } catch (error) {
      throw new ConfigurationError(`${where}: ${(error as Error).message}`, { cause: error });
    }
  }
  return [...list];
}

type Matcher = (address: string) => boolean;

function matcherOf(entry: unknown, where: string): Matcher {
  if (entry instanceof RegExp) {
    const pattern = new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')); // no lastIndex state between tests
    return (address) => pattern.test(address);
  }
  if (typeof entry !== 'string' || entry === '')
    throw new ConfigurationError(`${where} holds strings (an address or '@domain') and regular expressions.`);
  if (entry.startsWith('@')) {
    const domain = domainToASCII(entry.slice(1)).toLowerCase();
    if (!domain) throw new ConfigurationError(`${where}: ${JSON.stringify(entry)} is not '@' and a domain.`);
    return (address) => address.toLowerCase().endsWith(`@${domain}`);
  }
  let bare: string[];
  try {
    bare = bareAddresses(entry, where);
  } catch (error) {
    throw new ConfigurationError(`${where}: ${(error as Error).message}`, { cause: error });
  }
  const wanted = bare[0].toLowerCase();
  return (address) => address.toLowerCase() === wanted;
}

/** Header names, lowercase, whose user value says who the message was shown as going to. */
const SHOWN = { to: 'to', cc: 'cc' } as const;

/**
 * The staging sandbox of a backend, checked at construction. `apply` gives the message to build
 * (a copy when redirected: the caller's message is never changed) and its envelope.
 */
export class Sandbox {
  readonly #redirectTo: string[] | null;
  readonly #allowed: Matcher[] | null;

  constructor(options: SandboxOptions, where: (option: string) => string) {
    this.#redirectTo = options.redirectTo === undefined ? null : addressesOf(options.redirectTo, where('redirectTo'));
    if (options.allowedRecipients === undefined) this.#allowed = null;
    else {
      const list = options.allowedRecipients;
      if (!Array.isArray(list))
        throw new ConfigurationError(
          `${where('allowedRecipients')} must be a list of addresses, '@domain's or RegExps.`,
        );
      this.#allowed = list.map((entry) => matcherOf(entry, where('allowedRecipients')));
    }
  }

  /** Null when neither option is set: the backend then skips the sandbox entirely. */
  static of(options: SandboxOptions, where: (option: string) => string): Sandbox | null {
    return options.redirectTo === undefined && options.allowedRecipients === undefined
      ? null
      : new Sandbox(options, where);
  }

  apply(message: EmailMessage): Sandboxed {
    const source = this.#redirectTo ? redirected(message, this.#redirectTo) : message;
    const envelope = envelopeOf(source);
    const dropped: string[] = [];
    if (this.#allowed) {
      const allowed = this.#allowed;
      const kept = envelope.to.filter((address) => allowed.some((match) => match(address)) || !dropped.push(address));
      return { source, envelope: { from: envelope.from, to: kept }, dropped };
    }
    return { source, envelope, dropped };
  }
}

/**
 * A copy of `message` that goes only to `to`: To rewritten, Cc and Bcc emptied, the original To
 * and Cc (as the recipients would have seen them) in X-Original-To / X-Original-Cc. Bcc is never
 * written anywhere: blind copies stay blind in staging too.
 */
function redirected(message: EmailMessage, to: string[]): EmailMessage {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(message)), message) as EmailMessage;
  const headers: Record<string, string> = {};
  const shown: { to?: string; cc?: string } = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === SHOWN.to || lower === SHOWN.cc) shown[lower] = String(value);
    else if (lower !== 'x-original-to' && lower !== 'x-original-cc') headers[name] = value;
  }
  const originalTo = shown.to ?? message.to.filter(Boolean).join(', ');
  const originalCc = shown.cc ?? message.cc.filter(Boolean).join(', ');
  if (originalTo) headers['X-Original-To'] = originalTo;
  if (originalCc) headers['X-Original-Cc'] = originalCc;
  copy.to = [...to];
  copy.cc = [];
  copy.bcc = [];
  copy.headers = headers;
  return copy;
}
