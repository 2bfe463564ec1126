import { checkHeaderValue } from '../headers/check-header.js';
import { AS_IS, headerLine } from '../headers/header-line.js';
import { legacyName, param } from '../headers/header-params.js';
import { contentLeaf } from './content-leaf.js';
import { guessMimetype } from './guess-type.js';
import { type Attachment, type AttachmentItem, isMimePart, type MimePart } from './mime-part.js';
import type { Leaf } from './mime-tree.js';
import { checkMimetype, type Mimetype } from './mimetype.js';
import { isBuildsItself, rfc822Leaf } from './rfc822-leaf.js';

/** An attachment's leaf, and its Content-ID when it is an inline part that HTML may refer to. */
export interface AttachmentPart {
  part: Leaf;
  cid: string | null;
}

function addDisposition(leaf: Leaf, disposition: string, filename: string | null | undefined, hasName?: boolean): void {
  if (filename) {
    // INJECTION GUARD: the filename is encoded (RFC 2231) before it reaches the header line, so
    // it is checked here as given: a line break in it is refused, never percent-encoded away.
    checkHeaderValue('attachment filename', filename);
    if (!hasName) leaf.nameParam = legacyName(filename);
    leaf.extra.push(headerLine('Content-Disposition', disposition, AS_IS, param('filename', filename)));
  } else {
    leaf.extra.push(headerLine('Content-Disposition', disposition, AS_IS));
  }
}

function mimePartLeaf(part: MimePart, charset: string): AttachmentPart {
  if (part.content === undefined || part.content === null) throw new TypeError('A MimePart needs content.');
  const type = checkMimetype(part.contentType, 'a MimePart');
  const disposition = part.disposition ?? 'attachment';
  if (disposition !== 'attachment' && disposition !== 'inline')
    throw new TypeError(`A MimePart's disposition is 'attachment' or 'inline', not ${JSON.stringify(disposition)}.`);
  const leaf = contentLeaf(part.content, type, charset);
  addDisposition(leaf, disposition, part.filename, type.hasName);
  let cid: string | null = null;
  if (part.contentId) {
    cid = part.contentId.startsWith('<') ? part.contentId : `<${part.contentId}>`;
    const line = headerLine('Content-ID', cid, AS_IS); // INJECTION GUARD (in headerLine), before the shape check
    if (!/^<[\x21-\x7e]+>$/.test(cid))
      throw new TypeError(`Invalid contentId ${JSON.stringify(part.contentId)}: printable ASCII without spaces.`);
    leaf.extra.push(line);
  }
  if (part.headers)
    for (const name of Object.keys(part.headers)) leaf.extra.push(headerLine(name, String(part.headers[name])));
  return { part: leaf, cid: disposition === 'inline' ? cid : null };
}

/**
 * The leaf of one `attachments` item: a {@link MimePart}, a message that builds itself (sent as
 * message/rfc822), or a `(filename, content, mimetype)` attachment (the mimetype guessed from the
 * filename when null).
 */
export function attachmentPart(item: AttachmentItem, charset: string): AttachmentPart {
  if (isMimePart(item)) return mimePartLeaf(item, charset);
  if (isBuildsItself(item)) return { part: rfc822Leaf(item), cid: null };
  const { filename, content, mimetype } = item as Attachment;
  if (filename !== null && filename !== undefined && typeof filename !== 'string')
    throw new TypeError('An attachment filename must be a string or null.');
  let type: Mimetype;
  if (mimetype) type = checkMimetype(mimetype, `attachment ${JSON.stringify(filename)}`);
  else if (isBuildsItself(content)) type = { type: 'message/rfc822' };
  else type = { type: guessMimetype(filename) };
  const leaf = contentLeaf(content, type, charset);
  // Django adds Content-Disposition only for named attachments.
  if (filename) addDisposition(leaf, 'attachment', filename, type.hasName);
  return { part: leaf, cid: null };
}
