import { Buffer, isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { base64Body, bufferEncodingOf, encodeTextBody, toBuffer, wrapBase64 } from './encode-body.js';
import { AttachedFile } from './mime-part.js';
import type { Leaf } from './mime-tree.js';
import type { Mimetype } from './mimetype.js';
import { isBuildsItself, rfc822Leaf } from './rfc822-leaf.js';

const NON_ASCII = /[^\x00-\x7f]/;

/** A text leaf: the text encoded to `charset` (quoted-printable, base64 or as is, as encodeTextBody picks). */
export function textLeaf(text: string, subtype: string, charset: string, params?: string[]): Leaf {
  const encoded = encodeTextBody(text, charset);
  return {
    multi: false,
    contentType: `${subtype}; charset="${encoded.charset}"`,
    transferEncoding: encoded.transferEncoding,
    extra: [],
    body: [encoded.body],
    params,
  };
}

/** The charset a string is encoded to: the mimetype's when given (one we can encode to), else the message's. */
function stringCharset(mt: Mimetype, charset: string): string {
  if (mt.charset === undefined) return charset;
  if (bufferEncodingOf(mt.charset) === undefined) {
    throw new TypeError(
      `Unsupported charset "${mt.charset}" in the mimetype of a ${mt.type} part given as text: text is encoded to utf-8, us-ascii or iso-8859-1; give bytes already in ${mt.charset} to send them as they are.`,
    );
  }
  return mt.charset;
}

/** How a string is turned into bytes for a non-text part: UTF-8, or the charset its mimetype names. */
function stringEncoding(content: string, mt: Mimetype): BufferEncoding {
  if (mt.charset === undefined) return 'utf8';
  const encoding = bufferEncodingOf(stringCharset(mt, 'utf-8'));
  if ((encoding === 'ascii' && NON_ASCII.test(content)) || (encoding === 'latin1' && /[^\x00-\xff]/.test(content))) {
    throw new TypeError(
      `A ${mt.type} part given as text has characters that charset "${mt.charset}" cannot hold: use charset=utf-8 or give bytes.`,
    );
  }
  return encoding as BufferEncoding;
}

/**
 * A part for some content: text (`text/*` as text in the message charset, or the mimetype's
 * `charset=`), an embedded message (`message/rfc822`), or base64 for the rest. `text/*` bytes
 * that are not UTF-8 are sent as `application/octet-stream`, as Django does, unless the mimetype
 * names their charset: then they are sent as they are. Files and streams are never read ahead
 * or re-encoded: a `text/*` one is labelled `charset="utf-8"` (Django reads files as UTF-8)
 * unless the mimetype names another.
 */
export function contentLeaf(content: unknown, mt: Mimetype, charset: string): Leaf {
  const { type, params } = mt;
  if (type === 'message/rfc822') {
    const leaf = rfc822Leaf(content);
    leaf.params = params;
    return leaf;
  }
  const isText = type.startsWith('text/');
  if (content instanceof AttachedFile || content instanceof Readable) {
    return {
      multi: false,
      contentType: isText ? `${type}; charset="${mt.charset ?? 'utf-8'}"` : type,
      transferEncoding: 'base64',
      extra: [],
      body: [
        content instanceof AttachedFile
          ? { kind: 'file', path: content.path }
          : { kind: 'readable', readable: content },
      ],
      params,
    };
  }
  if (isBuildsItself(content))
    throw new TypeError(`An EmailMessage can only be attached as message/rfc822, not ${type}.`);
  if (isText) {
    if (typeof content === 'string') return textLeaf(content, type, stringCharset(mt, charset), params);
    if (content instanceof Uint8Array) {
      const bytes = toBuffer(content);
      if (mt.charset !== undefined && bufferEncodingOf(mt.charset) !== 'utf8') {
        // Bytes in the charset the user named: sent as they are.
        return {
          multi: false,
          contentType: `${type}; charset="${mt.charset}"`,
          transferEncoding: 'base64',
          extra: [],
          body: [base64Body(bytes)],
          params,
        };
      }
      if (isUtf8(bytes)) return textLeaf(bytes.toString('utf8'), type, mt.charset ?? charset, params);
      return {
        multi: false,
        contentType: 'application/octet-stream',
        transferEncoding: 'base64',
        extra: [],
        body: [base64Body(bytes)],
      };
    }
  }
  let lines: ReturnType<typeof base64Body>;
  if (typeof content === 'string') lines = wrapBase64(Buffer.from(content, stringEncoding(content, mt)));
  else if (content instanceof Uint8Array) lines = base64Body(content);
  else
    throw new TypeError(
      `Attachment content must be a string, bytes, a readable stream or an EmailMessage; got ${content === null ? 'null' : typeof content}.`,
    );
  return { multi: false, contentType: type, transferEncoding: 'base64', extra: [], body: [lines], params };
}
