import { checkHeaderName, checkHeaderValue } from './check-header.js';
import { encodeUnstructured, foldHeader } from './encode-header.js';

/** The encoder for a value that is already in wire form (a Content-Type the builder composed, a date). */
export const AS_IS = (value: string): string => value;

/**
 * THE ONE WAY A HEADER LINE IS WRITTEN: `Name: value` ready for the wire, without the final CRLF.
 * INJECTION GUARD: the name and the value as given (and every parameter) are checked here, before
 * anything is encoded, so no header can reach a message unguarded.
 *
 * - `encode` turns the checked value into its wire form: RFC 2047 encoded words for
 *   unstructured text (the default), an address list, or {@link AS_IS} for a value the builder
 *   composed itself.
 * - `params` (wire form, e.g. `filename="a.pdf"`) follow the value as `; p1; p2` on one line when
 *   it fits, otherwise one a folded line, so no fold lands inside a value.
 *
 * Folded at whitespace before 78 characters (RFC 5322 §2.2.3).
 *
 * @throws BadHeaderError for an invalid name or a value with a line break or a control character.
 * @example
 * ```ts
 * headerLine('Subject', 'Réunion');                          // 'Subject: =?UTF-8?Q?R=C3=A9union?='
 * headerLine('Content-Disposition', 'attachment', AS_IS, ['filename="a.pdf"']);
 * ```
 */
export function headerLine(
  name: string,
  value: string,
  encode: (value: string) => string = encodeUnstructured,
  params?: readonly string[],
): string {
  checkHeaderName(name); // INJECTION GUARD
  checkHeaderValue(name, value); // INJECTION GUARD
  if (params === undefined || params.length === 0) return foldHeader(name, encode(value));
  for (const param of params) checkHeaderValue(name, param); // INJECTION GUARD
  return withParams(`${name}: ${encode(value)}`, params);
}

/**
 * `head; p1; p2` on one line when it fits in 78 characters, otherwise one parameter (or
 * encoded word) per folded line (RFC 5322 §2.2.3), so no fold lands inside a value.
 */
function withParams(head: string, params: readonly string[]): string {
  const one = `${head}; ${params.join('; ')}`;
  if (one.length <= 76) return one;
  let out = `${head};`;
  for (let i = 0; i < params.length; i++) {
    const segment = params[i];
    // Encoded words of one quoted name= value are separated by folding whitespace only.
    const last = i === params.length - 1;
    const continuesName = !segment.endsWith('"') && segment.includes('=?') && !last;
    out += `\r\n ${segment}${last ? '' : continuesName ? '' : ';'}`;
  }
  return out;
}
