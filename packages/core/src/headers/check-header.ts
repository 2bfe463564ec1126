import { BadHeaderError } from '../errors.js';

// INJECTION GUARD. Every character that a mail client, a server or a parser may take for the
// end of a line: CR and LF (RFC 5322 §2.2), and the Unicode line breaks NEL (U+0085), LINE
// SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029), which some parsers (Python's
// str.splitlines, several webmail front ends) split lines on.
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

// INJECTION GUARD. Other C0 controls and DEL must never reach a header raw (RFC 5322 §3.2.3:
// unstructured text is VCHAR and WSP). They are refused rather than encoded: no legitimate
// header value carries a NUL or a backspace, and refusing keeps every header readable.
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

// Both of the above in one pass: the common value has none, and is looked at once.
const ANY_BAD = /[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]/;

// RFC 5322 §3.6.8: a field name is printable US-ASCII (33–126) except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Throw {@link BadHeaderError} unless `name` is a valid header field name: printable ASCII
 * (33–126) without the colon, and not empty (RFC 5322 §3.6.8).
 *
 * @example
 * ```ts
 * checkHeaderName('X-Campaign');          // ok
 * checkHeaderName('X-Evil\r\nBcc');        // throws BadHeaderError
 * ```
 */
export function checkHeaderName(name: string): void {
  if (typeof name !== 'string') throw new TypeError(`A header name must be a string, got ${typeof name}.`);
  // INJECTION GUARD: a name with a line break, a space or a colon would start another header.
  if (!FIELD_NAME.test(name)) {
    throw new BadHeaderError(
      `Invalid header name ${JSON.stringify(name)}: a header name is printable ASCII without spaces or ':'.`,
    );
  }
}

/**
 * Throw {@link BadHeaderError} when `value` contains a line break (CR, LF, U+0085, U+2028,
 * U+2029) or another control character (TAB excepted), which could inject headers or lines.
 * `name` is the header (or the part of it, such as an attachment filename) named in the error.
 *
 * @example
 * ```ts
 * checkHeaderValue('Subject', 'Hello');                   // ok
 * checkHeaderValue('Subject', 'Hi\nBcc: victim@example'); // throws BadHeaderError
 * ```
 */
export function checkHeaderValue(name: string, value: string): void {
  // INJECTION GUARD: the check every header value, display name and filename goes through.
  if (!ANY_BAD.test(value)) return;
  if (LINE_BREAK.test(value)) {
    throw new BadHeaderError(
      `Header values can't contain newlines (got ${JSON.stringify(value)} for header ${JSON.stringify(name)}).`,
    );
  }
  if (OTHER_CONTROL.test(value)) {
    throw new BadHeaderError(
      `Header values can't contain control characters (got ${JSON.stringify(value)} for header ${JSON.stringify(name)}).`,
    );
  }
}
