/**
 * A small, independent reader of raw RFC 5322 messages for the security suites: it splits the
 * header block the way a strict receiver does, so a smuggled line shows up as an extra header
 * instead of being hidden by a lenient parser. mailparser is the second opinion.
 */

/** One header field of the top-level header block: its name and unfolded raw value. */
export interface RawHeader {
  name: string;
  value: string;
}

/** The header block of `raw`, up to the first empty line, and where the body starts. */
export function splitHeaderBlock(raw: Buffer): { headers: RawHeader[]; headerText: string; bodyOffset: number } {
  // RFC 5322 §2.1: the header section ends at the first empty line (CRLF CRLF).
  const end = raw.indexOf('\r\n\r\n');
  const headerText = (end === -1 ? raw : raw.subarray(0, end)).toString('latin1');
  const bodyOffset = end === -1 ? raw.length : end + 4;
  const headers: RawHeader[] = [];
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    // RFC 5322 §2.2.3: a line starting with WSP continues the previous field (folding).
    if (/^[ \t]/.test(line)) {
      if (headers.length === 0)
        throw new Error(`header block starts with a continuation line: ${JSON.stringify(line)}`);
      headers[headers.length - 1]!.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header line without a field name: ${JSON.stringify(line)}`);
    headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1).replace(/^[ \t]+/, '') });
  }
  return { headers, headerText, bodyOffset };
}

/** Lower-cased header names of a header list, sorted (a multiset, for comparisons). */
export function headerNames(headers: RawHeader[]): string[] {
  return headers.map((h) => h.name.toLowerCase()).sort();
}

/**
 * Every way `raw` breaks the line rules of RFC 5322 §2.1.1 / RFC 5321 §4.5.3.1.6: a CR not
 * followed by LF, an LF not preceded by CR, a line longer than 998 octets (CRLF excluded), and,
 * with `finalCrlf`, a last line without CRLF. Empty when the bytes are clean.
 *
 * A message may end without CRLF: a single-part 7bit body `abc` cannot carry a final line break
 * without changing its content, and the SMTP client adds the CRLF before the final `.` (RFC 5321
 * §4.1.1.4). So `finalCrlf` is off unless a caller needs it.
 */
export function lineProblems(raw: Buffer, { limit = 998, finalCrlf = false } = {}): string[] {
  const problems: string[] = [];
  let lineStart = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x0d) {
      if (raw[i + 1] !== 0x0a) problems.push(`bare CR at offset ${i}`);
      continue;
    }
    if (byte === 0x0a) {
      if (raw[i - 1] !== 0x0d) problems.push(`bare LF at offset ${i}`);
      const length = i - lineStart - (raw[i - 1] === 0x0d ? 1 : 0);
      if (length > limit) problems.push(`line of ${length} octets at offset ${lineStart}`);
      lineStart = i + 1;
    }
  }
  if (lineStart < raw.length) {
    const length = raw.length - lineStart;
    if (length > limit) problems.push(`line of ${length} octets at offset ${lineStart}`);
    if (finalCrlf) problems.push('last line does not end with CRLF');
  }
  return problems;
}

/** The controls that must never appear raw in a header block (all C0 but HTAB, CR, LF; DEL). */
export const RAW_HEADER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Normalise every line ending (CRLF, lone CR, lone LF) to LF, as the API promises CRLF on the wire. */
export function toLf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\n');
}
