import type { AsymmetricMatcherLike, Matchable, MatcherContext } from './types.js';

/** Whether `value` is a vitest/jest asymmetric matcher. */
export function isAsymmetric(value: unknown): value is AsymmetricMatcherLike {
  return typeof (value as AsymmetricMatcherLike | null)?.asymmetricMatch === 'function';
}

/** `ctx.equals` when vitest gives one, otherwise strict equality that honours asymmetric matchers. */
export function equalsIn(ctx: MatcherContext): (a: unknown, b: unknown) => boolean {
  if (typeof ctx.equals === 'function') return (a, b) => ctx.equals?.(a, b) ?? false;
  return (a, b) => (isAsymmetric(b) ? b.asymmetricMatch(a) : Object.is(a, b));
}

/** Text compared without caring about CRLF versus LF or trailing whitespace (SMTP adds both). */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trimEnd();
}

/** Match a text value: strings exactly (modulo line endings when `loose`), RegExps by test, else `equals`. */
export function matchText(
  ctx: MatcherContext,
  actual: string | undefined,
  expected: Matchable,
  loose = false,
): boolean {
  if (typeof expected === 'string') {
    if (actual === undefined) return false;
    return loose ? normalizeText(actual) === normalizeText(expected) : actual === expected;
  }
  if (expected instanceof RegExp)
    return actual !== undefined && new RegExp(expected.source, expected.flags.replace('g', '')).test(actual);
  return equalsIn(ctx)(actual, expected);
}

/** The bare address of `Name <addr>` (or `addr`), lower-cased for comparison. */
export function bareAddress(address: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(address);
  return (angle ? angle[1] : address).trim().toLowerCase();
}

/**
 * One address against one criterion: a string with a display name must match whole (address
 * case-insensitively), one without matches the bare address; RegExps and asymmetric
 * matchers may match either form.
 */
export function matchAddress(ctx: MatcherContext, actual: string, expected: Matchable): boolean {
  if (typeof expected === 'string') {
    if (/<[^<>]*>\s*$/.test(expected)) {
      return displayName(actual) === displayName(expected) && bareAddress(actual) === bareAddress(expected);
    }
    return bareAddress(actual) === bareAddress(expected);
  }
  const bare = bareAddress(actual);
  if (expected instanceof RegExp) return matchText(ctx, actual, expected) || matchText(ctx, bare, expected);
  const equals = equalsIn(ctx);
  return equals(actual, expected) || equals(bare, expected);
}

/**
 * A list of addresses against a criterion: a single value means some address matches; a list
 * means the same number of addresses, each matched by one entry (any order); an asymmetric
 * matcher may also match the whole list (bare or full), e.g. `expect.arrayContaining([...])`.
 */
export function matchAddressList(ctx: MatcherContext, actual: string[], expected: Matchable | Matchable[]): boolean {
  if (Array.isArray(expected)) {
    if (expected.length !== actual.length) return false;
    const left = [...actual];
    return expected.every((criterion) => {
      const index = left.findIndex((address) => matchAddress(ctx, address, criterion));
      if (index < 0) return false;
      left.splice(index, 1);
      return true;
    });
  }
  if (isAsymmetric(expected)) {
    const equals = equalsIn(ctx);
    if (equals(actual, expected) || equals(actual.map(bareAddress), expected)) return true;
  }
  return actual.some((address) => matchAddress(ctx, address, expected));
}

function displayName(address: string): string {
  const angle = address.lastIndexOf('<');
  return angle < 0
    ? ''
    : address
        .slice(0, angle)
        .trim()
        .replace(/^"(.*)"$/, '$1');
}
