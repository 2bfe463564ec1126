import { AS_IS, headerLine } from '../headers/header-line.js';
import { getSettings } from '../settings/settings-store.js';
import { attachmentPart } from './attachment-part.js';
import type { BuildSource } from './build-source.js';
import { BuiltMessage, type Chunk, type RawHeader } from './built-message.js';
import { contentLeaf, textLeaf } from './content-leaf.js';
import { messageHeaders } from './message-headers.js';
import {
  CRLF,
  contentTypeLine,
  type Leaf,
  multipart,
  type Part,
  relate,
  settleBoundaries,
  transferEncodingLine,
  writeBody,
} from './mime-tree.js';
import { checkCharset, checkMimetype, checkSubtype } from './mimetype.js';

export type { BuildSource } from './build-source.js';

const NON_ASCII = /[^\x00-\x7f]/;
const MIME_VERSION = headerLine('MIME-Version', '1.0', AS_IS);

/** The MIME tree of a message, as Django's EmailMessage.message() and EmailMultiAlternatives build it. */
function messageTree(source: BuildSource, charset: string): Part {
  const subtype = source.contentSubtype || 'plain';
  const bodyLeaf = textLeaf(source.body ?? '', `text/${checkSubtype(subtype)}`, charset);
  let root: Part = bodyLeaf;
  const hasBody = Boolean(source.body);
  const alternatives = source.alternatives ?? [];
  if (alternatives.length) {
    const parts: Part[] = hasBody ? [bodyLeaf] : [];
    for (const alt of alternatives) {
      const type = checkMimetype(alt.mimetype, 'an alternative');
      parts.push(contentLeaf(alt.content, type, charset));
    }
    root = multipart(checkSubtype(source.alternativeSubtype || 'alternative'), parts);
  }
  const attachments: Part[] = [];
  const inline: Leaf[] = [];
  for (const item of source.attachments ?? []) {
    const { part, cid } = attachmentPart(item, charset);
    if (cid) inline.push(part);
    else attachments.push(part);
  }
  // Every text leaf has a charset: `text/html;` is text/html exactly, whatever the parameters.
  const related = relate(root, inline, (leaf) => leaf.contentType.startsWith('text/html;'));
  root = related.root;
  if (!related.placed) attachments.push(...inline);
  if (attachments.length)
    root = multipart(
      checkSubtype(source.mixedSubtype || 'mixed'),
      hasBody || root.multi ? [root, ...attachments] : attachments,
    );
  return root;
}

/**
 * Build a message the way Django does (a single text part; `multipart/alternative` for
 * alternatives; `multipart/mixed` around it for attachments; the body part left out when
 * empty), with inline parts that have a Content-ID in a `multipart/related` beside the HTML.
 * Everything is written into one list of chunks; nothing is streamed but files and streams.
 * Throws {@link BadHeaderError} on any attempt at header injection.
 */
export function buildMessage(source: BuildSource): BuiltMessage {
  const settings = getSettings();
  const charset = checkCharset(source.encoding || settings.defaultCharset || 'utf-8');
  for (const field of ['to', 'cc', 'bcc', 'replyTo'] as const) {
    const list = source[field];
    if (typeof list === 'string' || (list != null && !Array.isArray(list))) {
      throw new TypeError(
        `"${field}" must be a list of addresses, not ${typeof list === 'string' ? 'a string' : typeof list}: use [${JSON.stringify(list)}].`,
      );
    }
  }
  const root = messageTree(source, charset);
  settleBoundaries(root); // before the first line that names a boundary is written
  const { raw, wire, userNames } = messageHeaders(source, settings);
  if (root.multi && userNames.has('content-type')) {
    // Its boundary is the builder's: a user Content-Type would make the parts unreadable.
    throw new TypeError(
      'headers["Content-Type"] cannot be set on a multipart message; use mixedSubtype or alternativeSubtype.',
    );
  }

  // Django's order: Content-Type, MIME-Version, Content-Transfer-Encoding, then the rest; a user
  // header of one of these names replaces the builder's (written with the user headers), never doubles it.
  const out: Chunk[] = [];
  const rawHeaders: RawHeader[] = [];
  if (!userNames.has('content-type')) {
    out.push(contentTypeLine(root), CRLF);
    rawHeaders.push({ name: 'Content-Type', value: root.contentType });
  }
  if (!userNames.has('mime-version')) {
    out.push(MIME_VERSION, CRLF);
    rawHeaders.push({ name: 'MIME-Version', value: '1.0' });
  }
  if (!root.multi) {
    const te = transferEncodingLine(root);
    if (te && !userNames.has('content-transfer-encoding')) {
      out.push(te, CRLF);
      rawHeaders.push({ name: 'Content-Transfer-Encoding', value: root.transferEncoding as string });
    }
    for (const line of root.extra) out.push(line, CRLF);
  }
  const state = { ascii: true };
  for (const line of wire) {
    out.push(line, CRLF);
    // RFC 6531 allows UTF-8 in addresses; everything else the builder writes is ASCII.
    if (state.ascii && NON_ASCII.test(line)) state.ascii = false;
  }
  out.push(CRLF);
  writeBody(root, out, state);
  // Every chunk above is CRLF text (see BuiltMessage#crlf): the SMTP backend relies on it.
  return new BuiltMessage([...rawHeaders, ...raw], out, state.ascii, true);
}
