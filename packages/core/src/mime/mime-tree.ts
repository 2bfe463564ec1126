import { AS_IS, headerLine } from '../headers/header-line.js';
import { makeBoundary } from './boundary.js';
import type { Chunk } from './built-message.js';

/** A leaf part: its content headers and body chunks. */
export interface Leaf {
  multi: false;
  /** `type/subtype` with the builder's parameters (`charset`), wire form. */
  contentType: string;
  transferEncoding: string | null;
  /** More header lines, wire form (Content-Disposition, Content-ID, the part's own headers). */
  extra: string[];
  body: Chunk[];
  /** The `name=` parameter segments of Content-Type, for a named attachment. */
  nameParam?: string[];
  /** Parameters from the user's mimetype (`method=REQUEST`), wire form, written after the charset. */
  params?: string[];
  /** The body may hold non-ASCII octets (an 8bit message/rfc822). */
  eightBit?: boolean;
}

/** A multipart part (RFC 2046 §5.1). */
export interface Multi {
  multi: true;
  contentType: string;
  boundary: string;
  subtype: string;
  /** Parameters after the boundary, wire form (`; type="text/html"`). */
  extraParams: string;
  parts: Part[];
}

/** A node of the MIME tree. */
export type Part = Leaf | Multi;

export const CRLF = '\r\n';

/** A multipart of these parts, with a fresh boundary (checked against them by {@link settleBoundaries}). */
export function multipart(subtype: string, parts: Part[], extraParams = ''): Multi {
  const part: Multi = { multi: true, contentType: '', boundary: '', subtype, extraParams, parts };
  setBoundary(part, makeBoundary());
  return part;
}

function setBoundary(part: Multi, boundary: string): void {
  part.boundary = boundary;
  part.contentType = `multipart/${part.subtype}; boundary="${boundary}"${part.extraParams}`;
}

/**
 * RFC 2046 §5.1.1: a boundary must not occur in the parts it encloses. Run on the finished
 * tree: a multipart whose delimiter (`--` and its boundary) occurs in a part written as it is
 * (7bit or 8bit text, an attached message) or in a nested boundary gets a new boundary, until
 * none holds it. Boundaries are random, so this happens only to content made to hold one; it
 * can then never end a part early or inject one. Base64 and quoted-printable parts need no look:
 * neither can write `=_`, which every boundary starts with.
 */
export function settleBoundaries(part: Part): void {
  if (!part.multi) return;
  for (const child of part.parts) settleBoundaries(child);
  while (holds(part.parts, `--${part.boundary}`)) setBoundary(part, makeBoundary());
}

// Chunk by chunk is enough: chunks meet at line breaks and delimiters (see writeBody, the builder
// and BuiltMessage), and a delimiter holds no line break.
function holds(parts: readonly Part[], delimiter: string): boolean {
  for (const part of parts) {
    if (part.multi) {
      if (`--${part.boundary}`.startsWith(delimiter) || holds(part.parts, delimiter)) return true;
    } else if (part.transferEncoding !== 'base64' && part.transferEncoding !== 'quoted-printable') {
      for (const chunk of part.body) {
        if ((typeof chunk === 'string' || Buffer.isBuffer(chunk)) && chunk.includes(delimiter)) return true;
      }
    }
  }
  return false;
}

/** The Content-Type line of a part, wire form, without CRLF. */
export function contentTypeLine(part: Part): string {
  if (part.multi || (!part.nameParam && !part.params)) return headerLine('Content-Type', part.contentType, AS_IS);
  const params =
    part.params && part.nameParam ? [...part.params, ...part.nameParam] : (part.params ?? part.nameParam ?? []);
  return headerLine('Content-Type', part.contentType, AS_IS, params);
}

/** The Content-Transfer-Encoding line of a leaf, wire form, without CRLF; null when it has none. */
export function transferEncodingLine(leaf: Leaf): string | null {
  return leaf.transferEncoding ? headerLine('Content-Transfer-Encoding', leaf.transferEncoding, AS_IS) : null;
}

/** The body of a part: a leaf's chunks, or the parts between boundaries (RFC 2046 §5.1.1). */
export function writeBody(part: Part, out: Chunk[], state: { ascii: boolean }): void {
  if (!part.multi) {
    for (const chunk of part.body) out.push(chunk);
    if (part.eightBit) state.ascii = false;
    return;
  }
  const delimiter = `--${part.boundary}`;
  for (const child of part.parts) {
    out.push(delimiter, CRLF, contentTypeLine(child), CRLF);
    if (!child.multi) {
      const te = transferEncodingLine(child);
      if (te) out.push(te, CRLF);
      for (const line of child.extra) out.push(line, CRLF);
    }
    out.push(CRLF);
    writeBody(child, out, state);
    out.push(CRLF);
  }
  out.push(delimiter, '--', CRLF);
}

/** Wrap the HTML part (an alternative or the body) with its inline parts in multipart/related. */
export function relate(root: Part, inline: Leaf[], isHtml: (leaf: Leaf) => boolean): { root: Part; placed: boolean } {
  if (!inline.length) return { root, placed: true };
  const wrap = (leaf: Leaf) => multipart('related', [leaf, ...inline], '; type="text/html"');
  if (!root.multi) return isHtml(root) ? { root: wrap(root), placed: true } : { root, placed: false };
  for (let i = root.parts.length - 1; i >= 0; i--) {
    const child = root.parts[i];
    if (!child.multi && isHtml(child)) {
      root.parts[i] = wrap(child);
      return { root, placed: true };
    }
  }
  return { root, placed: false };
}
