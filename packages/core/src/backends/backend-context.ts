import { ConfigurationError } from '../errors.js';
import { didYouMean } from '../settings/closest-name.js';

/**
 * The option key (a registered symbol, so every copy of @mail/core agrees) under which `mailers`
 * tells a backend its alias. A symbol key survives `super(options)` and `{ ...options }`, is not
 * an option the user can mistype, and is skipped by the unknown-option check.
 */
export const MAILER_ALIAS: unique symbol = Symbol.for('@mail/core.mailer-alias') as never;

/** Options every backend accepts, whatever its `optionNames` say. */
const COMMON_OPTIONS = ['failSilently', 'dkim', 'redirectTo', 'allowedRecipients', 'retry'];

/** A readable name for a backend class in messages. */
export function backendName(ctor: Function): string {
  return ctor.name || 'the backend';
}

/**
 * Refuse options a backend does not declare in its static `optionNames` (when it declares
 * them): a typo must never be ignored silently.
 */
export function checkOptionNames(ctor: Function, options: Record<string, unknown>, alias: string | null): void {
  const declared = (ctor as { optionNames?: unknown }).optionNames;
  if (!Array.isArray(declared)) return;
  const known = [...new Set([...COMMON_OPTIONS, ...declared.filter((n): n is string => typeof n === 'string')])];
  for (const key of Object.keys(options)) {
    if (known.includes(key) || options[key] === undefined) continue;
    const where = alias === null ? `${backendName(ctor)}` : `mailer "${alias}" (${backendName(ctor)})`;
    throw new ConfigurationError(
      `Unknown option "${key}" for ${where}.${didYouMean(key, known)} Known options: ${known.join(', ')}.`,
    );
  }
}
