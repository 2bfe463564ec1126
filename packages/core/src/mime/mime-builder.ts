import { Buffer, isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { buildHeaderParam, encodeWord } from 'nodemailer/lib/mime-funcs';
import { formatAddress, formatAddressList, splitAddressHeader } from '../addresses/parse-address.js';
import { BadHeaderError, ConfigurationError } from '../errors.js';
import { checkHeaderName, checkHeaderValue } from '../headers/check-header.js';
import { encodeUnstructured, foldHeader, wordEncodingFor } from '../headers/encode-header.js';
import {
  type Alternative,
  AttachedFile,
  type Attachment,
  type AttachmentItem,
  isMimePart,
  type MimePart,
} from '../message/mime-part.js';
import { getSettings } from '../settings.js';
import { BuiltMessage, type Chunk, type RawHeader } from './built-message.js';
import { base64Lines, bufferEncodingOf, encodeTextBody, toCrlf, wrapBase64 } from './encode-body.js';
import { guessMimetype } from './guess-type.js';
import { makeBoundary, makeMessageId } from './message-id.js';
import { formatDate } from './wire-date.js';

/** What the builder reads from an `EmailMessage` (or `EmailMultiAlternatives`). */
export interface BuildSource {
  subject: string;
  body: string;
  fromEmail: string | null;
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  replyTo: readonly string[];
  headers: Record<string, string>;
  attachments: readonly AttachmentItem[];
  contentSubtype: string;
  mixedSubtype: string;
  encoding: string | null;
  alternatives?: readonly Alternative[];
  alternativeSubtype?: string;
  message(): unknown;
}

/** A leaf part: its content headers (wire form) and body chunks. */
interface Leaf {
  multi: false;
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
interface Multi {
  multi: true;
  contentType: string;
  boundary: string;
  parts: Part[];
}

type Part = Leaf | Multi;

const CRLF = '\r\n';
const NON_ASCII = /[^\x00-\x7f]/;
const MIMETYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;

// Headers whose value is a list of addresses: a user value is parsed and re-encoded.
const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'reply-to', 'sender', 'resent-from', 'resent-to', 'resent-cc']);
// RFC 5322 §3.6.2: originator fields hold mailboxes, never groups.
const MAILBOX_HEADERS = new Set(['from', 'sender', 'resent-from']);

/** A checked mimetype: `type/subtype` (lowercase) and the parameters the user gave with it. */
interface Mimetype {
  type: string;
  /** Parameters to write after the builder's own, wire form; `charset` is among them except on `text/*`. */
  params?: string[];
  /** The `charset=` parameter (lowercase), if given. */
  charset?: string;
  /** A `name=` parameter was given: the builder adds none from the filename. */
  hasName?: boolean;
}

// `type/subtype` at the start of a mimetype that has parameters.
const MIMETYPE_HEAD = /^([A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+)[ \t]*(?=;|$)/;
// RFC 2045 §5.1: a token is printable ASCII but SPACE and tspecials.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const isTokenChar = (c: string) => TOKEN.test(c);
// Parameter names: the characters of type and subtype names (no `*`: RFC 2231 syntax is ours to write).
const isNameChar = (c: string) => /^[A-Za-z0-9!#$&^_.+-]$/.test(c);
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * Check a mimetype: `type/subtype`, optionally followed by `; key=value` parameters (RFC 2045
 * §5.1: a value is a token or a quoted string). A plain `type/subtype` is the fast path. The
 * builder owns `boundary` (never the user's) and, on `text/*`, writes `charset` itself.
 */
function checkMimetype(mimetype: string, what: string): Mimetype {
  checkHeaderValue(`${what} mimetype`, mimetype); // INJECTION GUARD: the parameters are in this string too
  if (MIMETYPE.test(mimetype) && mimetype.length <= 255) return { type: mimetype.toLowerCase() };
  const head = typeof mimetype === 'string' ? MIMETYPE_HEAD.exec(mimetype) : null;
  if (!head)
    throw new TypeError(
      `Invalid mimetype ${JSON.stringify(mimetype)} for ${what}: expected 'type/subtype', optionally followed by '; key=value'.`,
    );
  const type = head[1].toLowerCase();
  // RFC 6838 §4.2: type and subtype are at most 127 characters each; a header line at most 998.
  if (type.length > 255) throw new TypeError(`Invalid mimetype for ${what}: 'type/subtype' is at most 255 characters.`);
  const bad = (detail: string) =>
    new TypeError(
      `Invalid mimetype ${JSON.stringify(mimetype)} for ${what}: bad parameter: ${detail} (RFC 2045: '; key=value', the value a token or a "quoted string").`,
    );
  const result: Mimetype = { type, params: [] };
  const seen = new Set<string>();
  const n = mimetype.length;
  let i = head[0].length;
  for (;;) {
    while (isBlank(mimetype[i])) i++;
    if (i === n) break;
    if (mimetype[i] !== ';') throw bad(`expected ';' before ${JSON.stringify(mimetype.slice(i))}`);
    i++;
    while (isBlank(mimetype[i])) i++;
    if (i === n) break; // a trailing ';' says nothing
    const keyStart = i;
    while (i < n && isNameChar(mimetype[i])) i++;
    const key = mimetype.slice(keyStart, i).toLowerCase();
    if (!key)
      throw bad(
        mimetype[i] === ';'
          ? 'an empty parameter'
          : `expected a parameter name at ${JSON.stringify(mimetype.slice(i))}`,
      );
    if (key.length > 127) throw bad('a parameter name over 127 characters');
    while (isBlank(mimetype[i])) i++;
    if (i === n) throw bad(`parameter ${key} has no '=value'`);
    if (mimetype[i] !== '=')
      throw bad(`invalid character ${JSON.stringify(mimetype[i])} in or after parameter name ${key}`);
    i++;
    while (isBlank(mimetype[i])) i++;
    let value = '';
    if (mimetype[i] === '"') {
      for (i++; ; i++) {
        if (i >= n) throw bad(`the quoted value of parameter ${key} has no closing '"'`);
        let c = mimetype[i];
        if (c === '"') break;
        if (c === '\\' && i + 1 < n) c = mimetype[++i]; // a quoted pair
        value += c;
      }
      i++;
    } else {
      const valueStart = i;
      while (i < n && isTokenChar(mimetype[i])) i++;
      value = mimetype.slice(valueStart, i);
      if (!value)
        throw bad(
          i === n || mimetype[i] === ';'
            ? `parameter ${key} has no value`
            : `the value of parameter ${key} must be a token or a "quoted string", not ${JSON.stringify(mimetype.slice(i))}`,
        );
    }
    if (key === 'boundary')
      throw new TypeError(
        `Invalid mimetype ${JSON.stringify(mimetype)} for ${what}: the boundary is the builder's, a 'boundary' parameter cannot be set.`,
      );
    if (seen.has(key)) throw bad(`parameter ${key} is given twice`);
    seen.add(key);
    if (key === 'charset') {
      if (!CHARSET.test(value)) throw bad(`invalid charset ${JSON.stringify(value)}`);
      result.charset = value = value.toLowerCase();
      if (type.startsWith('text/')) continue; // written by the builder, first
    }
    if (key === 'name') result.hasName = true;
    // A short token as is; otherwise quoted, or RFC 2231 continuations when long (no line over 998 octets).
    (result.params as string[]).push(
      ...(value.length < 75 && TOKEN.test(value) ? [`${key}=${value}`] : param(key, value)),
    );
  }
  if (!result.params?.length) result.params = undefined;
  return result;
}

/**
 * One parameter (RFC 2045 §5.1) as `key=value` segments: a quoted string when it is short
 * printable ASCII, otherwise RFC 2231 continuations with UTF-8 percent-encoding (nodemailer's
 * buildHeaderParam).
 */
function param(key: string, value: string): string[] {
  // `=?` goes the RFC 2231 way too: several clients decode encoded words in quoted parameters.
  if (/^[\x20-\x7e]*$/.test(value) && value.length < 75 && !value.includes('=?'))
    return [`${key}="${value.replace(/[\\"]/g, '\\$&')}"`];
  const parts = buildHeaderParam(key, value, 50);
  // RFC 2231 §4: one segment needs no continuation number; `filename*=` is understood more widely.
  if (parts.length === 1 && parts[0].key.endsWith('*0*')) return [`${key}*=${parts[0].value}`];
  // Segments without `*` are plain text: a quoted string when they hold specials (RFC 2045 §5.1).
  return parts.map((p) =>
    p.key.endsWith('*') || !/[\s"\\;:/=(),<>@[\]?]|^[-']|'$/.test(p.value)
      ? `${p.key}=${p.value}`
      : `${p.key}="${p.value.replace(/[\\"]/g, '\\$&')}"`,
  );
}

/** The `name=` Content-Type parameter for old clients that ignore RFC 2231: encoded words in quotes. */
function legacyName(filename: string): string[] {
  if (/^[\x20-\x7e]*$/.test(filename) && filename.length < 75 && !filename.includes('=?'))
    return param('name', filename);
  return encodeWord(filename, wordEncodingFor(filename), 52)
    .split(' ')
    .map((word, i, all) => `${i === 0 ? 'name="' : ''}${word}${i === all.length - 1 ? '"' : ''}`);
}

/**
 * `value; p1; p2` on one line when it fits in 78 characters, otherwise one parameter (or
 * encoded word) per folded line (RFC 5322 §2.2.3), so no fold lands inside a value.
 */
function withParams(head: string, params: string[]): string {
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

function textLeaf(text: string, subtype: string, charset: string, params?: string[]): Leaf {
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

function toBuffer(content: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

function isEmailMessage(value: unknown): value is BuildSource {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as BuildSource).message === 'function' &&
    'contentSubtype' in value
  );
}

/** An attached message's bytes, embedded as is (RFC 2046 §5.2.1: never base64). */
function rfc822Leaf(content: unknown): Leaf {
  let body: Chunk[];
  if (isEmailMessage(content)) {
    const built = content.message();
    if (!(built instanceof BuiltMessage))
      throw new TypeError('A message/rfc822 attachment must be an EmailMessage of @mail/core.');
    body = [...built.chunks];
    if (!built.ascii)
      return { multi: false, contentType: 'message/rfc822', transferEncoding: '8bit', extra: [], body, eightBit: true };
  } else if (typeof content === 'string') {
    body = [toCrlf(content)];
  } else if (content instanceof Uint8Array) {
    body = [toCrlf(toBuffer(content).toString('utf8'))];
  } else {
    throw new TypeError('A message/rfc822 attachment takes an EmailMessage, a string or bytes.');
  }
  const eightBit = body.some((c) => (typeof c === 'string' && /[^\x00-\x7f]/.test(c)) || Buffer.isBuffer(c));
  return {
    multi: false,
    contentType: 'message/rfc822',
    transferEncoding: eightBit ? '8bit' : '7bit',
    extra: [],
    body,
    eightBit,
  };
}

/**
 * A part for some content: text (`text/*` as text in the message charset, or the mimetype's
 * `charset=`), an embedded message (`message/rfc822`), or base64 for the rest. `text/*` bytes
 * that are not UTF-8 are sent as `application/octet-stream`, as Django does, unless the mimetype
 * names their charset: then they are sent as they are. Files and streams are never read ahead
 * or re-encoded: a `text/*` one is labelled `charset="utf-8"` (Django reads files as UTF-8)
 * unless the mimetype names another.
 */
function contentLeaf(content: unknown, mt: Mimetype, charset: string): Leaf {
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
  if (isEmailMessage(content))
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
          body: [base64Lines(bytes)],
          params,
        };
      }
      if (isUtf8(bytes)) return textLeaf(bytes.toString('utf8'), type, mt.charset ?? charset, params);
      return {
        multi: false,
        contentType: 'application/octet-stream',
        transferEncoding: 'base64',
        extra: [],
        body: [base64Lines(bytes)],
      };
    }
  }
  let lines: string;
  if (typeof content === 'string') lines = wrapBase64(Buffer.from(content, stringEncoding(content, mt)));
  else if (content instanceof Uint8Array) lines = base64Lines(content);
  else
    throw new TypeError(
      `Attachment content must be a string, bytes, a readable stream or an EmailMessage; got ${content === null ? 'null' : typeof content}.`,
    );
  return { multi: false, contentType: type, transferEncoding: 'base64', extra: [], body: [lines], params };
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

function addDisposition(leaf: Leaf, disposition: string, filename: string | null | undefined, hasName?: boolean): void {
  if (filename) {
    checkHeaderValue('attachment filename', filename); // INJECTION GUARD: filenames go in headers
    if (!hasName) leaf.nameParam = legacyName(filename);
    leaf.extra.push(withParams(`Content-Disposition: ${disposition}`, param('filename', filename)));
  } else {
    leaf.extra.push(`Content-Disposition: ${disposition}`);
  }
}

function partHeaders(leaf: Leaf, headers: Record<string, string> | undefined): void {
  if (!headers) return;
  for (const name of Object.keys(headers)) {
    const value = String(headers[name]);
    checkHeaderName(name); // INJECTION GUARD
    checkHeaderValue(name, value); // INJECTION GUARD
    leaf.extra.push(foldHeader(name, encodeUnstructured(value)));
  }
}

function attachmentPart(item: AttachmentItem, charset: string): { part: Leaf; cid: string | null } {
  if (isMimePart(item)) return mimePartLeaf(item, charset);
  if (isEmailMessage(item)) return { part: rfc822Leaf(item), cid: null };
  const { filename, content, mimetype } = item as Attachment;
  if (filename !== null && filename !== undefined && typeof filename !== 'string')
    throw new TypeError('An attachment filename must be a string or null.');
  let type: Mimetype;
  if (mimetype) type = checkMimetype(mimetype, `attachment ${JSON.stringify(filename)}`);
  else if (isEmailMessage(content)) type = { type: 'message/rfc822' };
  else type = { type: guessMimetype(filename) };
  const leaf = contentLeaf(content, type, charset);
  // Django adds Content-Disposition only for named attachments.
  if (filename) addDisposition(leaf, 'attachment', filename, type.hasName);
  return { part: leaf, cid: null };
}

function mimePartLeaf(part: MimePart, charset: string): { part: Leaf; cid: string | null } {
  if (part.content === undefined || part.content === null) throw new TypeError('A MimePart needs content.');
  const type = checkMimetype(part.contentType, 'a MimePart');
  const disposition = part.disposition ?? 'attachment';
  if (disposition !== 'attachment' && disposition !== 'inline')
    throw new TypeError(`A MimePart's disposition is 'attachment' or 'inline', not ${JSON.stringify(disposition)}.`);
  const leaf = contentLeaf(part.content, type, charset);
  addDisposition(leaf, disposition, part.filename, type.hasName);
  let cid: string | null = null;
  if (part.contentId) {
    checkHeaderValue('Content-ID', part.contentId); // INJECTION GUARD
    cid = part.contentId.startsWith('<') ? part.contentId : `<${part.contentId}>`;
    if (!/^<[\x21-\x7e]+>$/.test(cid))
      throw new TypeError(`Invalid contentId ${JSON.stringify(part.contentId)}: printable ASCII without spaces.`);
    leaf.extra.push(`Content-ID: ${cid}`);
  }
  partHeaders(leaf, part.headers);
  return { part: leaf, cid: disposition === 'inline' ? cid : null };
}

function multipart(subtype: string, parts: Part[], extraParams = ''): Multi {
  const boundary = makeBoundary();
  return { multi: true, contentType: `multipart/${subtype}; boundary="${boundary}"${extraParams}`, boundary, parts };
}

/** Content headers of a part, wire form, each ending in CRLF. */
function contentHeaderLines(part: Part, out: Chunk[]): void {
  if (!part.multi && (part.nameParam || part.params)) {
    const params =
      part.params && part.nameParam ? [...part.params, ...part.nameParam] : (part.params ?? part.nameParam ?? []);
    out.push(withParams(`Content-Type: ${part.contentType}`, params), CRLF);
  } else out.push(foldHeader('Content-Type', part.contentType), CRLF);
  if (!part.multi) {
    if (part.transferEncoding) out.push(`Content-Transfer-Encoding: ${part.transferEncoding}${CRLF}`);
    for (const line of part.extra) out.push(line, CRLF);
  }
}

/** The body of a part: a leaf's chunks, or the parts between boundaries (RFC 2046 §5.1.1). */
function writeBody(part: Part, out: Chunk[], state: { ascii: boolean }): void {
  if (!part.multi) {
    for (const chunk of part.body) out.push(chunk);
    if (part.eightBit) state.ascii = false;
    return;
  }
  const delimiter = `--${part.boundary}`;
  for (const child of part.parts) {
    out.push(delimiter, CRLF);
    contentHeaderLines(child, out);
    out.push(CRLF);
    writeBody(child, out, state);
    out.push(CRLF);
  }
  out.push(delimiter, '--', CRLF);
}

/** Wrap the HTML part (an alternative or the body) with its inline parts in multipart/related. */
function relate(root: Part, inline: Leaf[], isHtml: (leaf: Leaf) => boolean): { root: Part; placed: boolean } {
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

  // The structure, as Django's EmailMessage.message() and EmailMultiAlternatives build it.
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

  // Message headers: the order Django writes them in.
  const raw: RawHeader[] = [];
  const wire: string[] = [];
  const set = (name: string, value: string, encoded: string) => {
    raw.push({ name, value });
    wire.push(foldHeader(name, encoded));
  };
  const subject = source.subject ?? '';
  checkHeaderValue('Subject', subject); // INJECTION GUARD
  set('Subject', subject, encodeUnstructured(subject)); // RFC 5322 §3.6.5: always present here, empty or not
  const fromEmail = source.fromEmail ?? settings.defaultFromEmail;
  set('From', fromEmail, formatAddress(fromEmail, 'from', true)); // RFC 5322 §3.6.2: a mailbox, never a group
  if (source.to?.length) set('To', source.to.join(', '), formatAddressList(source.to, 'to'));
  if (source.cc?.length) set('Cc', source.cc.join(', '), formatAddressList(source.cc, 'cc'));
  if (source.replyTo?.length) set('Reply-To', source.replyTo.join(', '), formatAddressList(source.replyTo, 'reply-to'));
  // Bcc is checked (it feeds the envelope) and never written.
  if (source.bcc?.length) formatAddressList(source.bcc, 'bcc');
  const userHeaders = source.headers ?? {};
  const userNames = new Set(Object.keys(userHeaders).map((n) => n.toLowerCase()));
  if (!userNames.has('date')) {
    const date = formatDate(new Date(), Boolean(settings.emailUseLocaltime));
    set('Date', date, date);
  }
  if (!userNames.has('message-id')) {
    const id = makeMessageId();
    set('Message-ID', id, id);
  }
  for (const name of Object.keys(userHeaders)) {
    const value = userHeaders[name] == null ? '' : String(userHeaders[name]);
    checkHeaderName(name); // INJECTION GUARD
    checkHeaderValue(name, value); // INJECTION GUARD
    const lower = name.toLowerCase();
    if (lower === 'bcc')
      throw new BadHeaderError(
        'A Bcc header would show the blind copies to every recipient: use the bcc list instead of headers.Bcc.',
      );
    const encoded = ADDRESS_HEADERS.has(lower)
      ? formatAddressList(splitAddressHeader(value, name), name, MAILBOX_HEADERS.has(lower))
      : encodeUnstructured(value);
    // A user header replaces the builder's header of the same name, in place (Django: To, Cc, From, Reply-To).
    const at = raw.findIndex((h) => h.name.toLowerCase() === lower);
    if (at === -1) set(name, value, encoded);
    else {
      raw[at] = { name, value };
      wire[at] = foldHeader(name, encoded);
    }
  }

  if (root.multi && userNames.has('content-type')) {
    // Its boundary is the builder's: a user Content-Type would make the parts unreadable.
    throw new TypeError(
      'headers["Content-Type"] cannot be set on a multipart message; use mixedSubtype or alternativeSubtype.',
    );
  }
  const out: Chunk[] = [];
  const contentType = root.contentType;
  const head: Chunk[] = [];
  contentHeaderLines(root, head);
  // Django's order: Content-Type, MIME-Version, Content-Transfer-Encoding, then the rest.
  const overridden = (n: string) => userNames.has(n);
  if (!overridden('content-type')) out.push(head[0], head[1]);
  if (!overridden('mime-version')) out.push(`MIME-Version: 1.0${CRLF}`);
  for (let i = 2; i < head.length; i++) {
    const line = head[i];
    // A user Content-Transfer-Encoding replaces ours (written with the user headers), never doubles it.
    if (
      typeof line === 'string' &&
      line.startsWith('Content-Transfer-Encoding:') &&
      overridden('content-transfer-encoding')
    )
      continue;
    out.push(line);
  }
  const state = { ascii: true };
  for (const line of wire) {
    out.push(line, CRLF);
    // RFC 6531 allows UTF-8 in addresses; everything else the builder writes is ASCII.
    if (state.ascii && NON_ASCII.test(line)) state.ascii = false;
  }
  out.push(CRLF);
  writeBody(root, out, state);

  const rawHeaders: RawHeader[] = [];
  if (!overridden('content-type')) rawHeaders.push({ name: 'Content-Type', value: contentType });
  if (!overridden('mime-version')) rawHeaders.push({ name: 'MIME-Version', value: '1.0' });
  if (!root.multi && root.transferEncoding && !overridden('content-transfer-encoding')) {
    rawHeaders.push({ name: 'Content-Transfer-Encoding', value: root.transferEncoding });
  }
  // Every chunk above is CRLF text (see BuiltMessage#crlf): the SMTP backend relies on it.
  return new BuiltMessage([...rawHeaders, ...raw], out, state.ascii, true);
}

// RFC 2978 §2.3: the characters of a charset name (mime-charset).
const CHARSET = /^[A-Za-z0-9!#$%&'+^_`{}~-]+$/;

/** The charset goes into every text part's Content-Type: nothing but a charset name may reach it. */
function checkCharset(charset: string): string {
  checkHeaderValue('encoding (charset)', String(charset)); // INJECTION GUARD
  if (typeof charset !== 'string' || !CHARSET.test(charset)) {
    throw new ConfigurationError(
      `Invalid charset ${JSON.stringify(charset)} in the encoding property or the defaultCharset setting: expected a name such as 'utf-8'.`,
    );
  }
  return charset;
}

function checkSubtype(subtype: string): string {
  checkHeaderValue('subtype', subtype); // INJECTION GUARD
  if (!/^[A-Za-z0-9!#$&^_.+-]+$/.test(subtype)) throw new TypeError(`Invalid MIME subtype ${JSON.stringify(subtype)}.`);
  return subtype;
}
