/**
 * `text` as an RFC 5322 §3.2.4 quoted string: in double quotes, with `\` and `"` escaped as
 * quoted pairs. The only place the house writes one (display names, group names, parameters).
 * The caller has checked `text` for line breaks (see checkHeaderValue).
 *
 * @example
 * ```ts
 * quoteString('Smith, "Bob"'); // '"Smith, \\"Bob\\""'
 * ```
 */
export function quoteString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}
