import { ConfigurationError } from '../errors.js';
import { checkHeaderValue } from '../headers/check-header.js';
import { TOKEN, tokenOrParam } from '../headers/header-params.js';

/** A checked mimetype: `type/subtype` (lowercase) and the parameters the user gave with it. */
export interface Mimetype {
  type: string;
  /** Parameters to write after the builder's own, wire form; `charset` is among them except on `text/*`. */
  params?: string[];
  /** The `charset=` parameter (lowercase), if given. */
  charset?: string;
  /** A `name=` parameter was given: the builder adds none from the filename. */
  hasName?: boolean;
}

const MIMETYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;
// `type/subtype` at the start of a mimetype that has parameters.
const MIMETYPE_HEAD = /^([A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+)[ \t]*(?=;|$)/;
const isTokenChar = (c: string) => TOKEN.test(c);
// Parameter names: the characters of type and subtype names (no `*`: RFC 2231 syntax is ours to write).
const isNameChar = (c: string) => /^[A-Za-z0-9!#$&^_.+-]$/.test(c);
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
// RFC 2978 §2.3: the characters of a charset name (mime-charset).
const CHARSET = /^[A-Za-z0-9!#$%&'+^_`{}~-]+$/;

/**
 * Check a mimetype: `type/subtype`, optionally followed by `; key=value` parameters (RFC 2045
 * §5.1: a value is a token or a quoted string). A plain `type/subtype` is the fast path. The
 * builder owns `boundary` (never the user's) and, on `text/*`, writes `charset` itself.
 */
export function checkMimetype(mimetype: string, what: string): Mimetype {
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
    (result.params as string[]).push(...tokenOrParam(key, value));
  }
  if (!result.params?.length) result.params = undefined;
  return result;
}

/** The charset goes into every text part's Content-Type: nothing but a charset name may reach it. */
export function checkCharset(charset: string): string {
  checkHeaderValue('encoding (charset)', String(charset)); // INJECTION GUARD
  if (typeof charset !== 'string' || !CHARSET.test(charset)) {
    throw new ConfigurationError(
      `Invalid charset ${JSON.stringify(charset)} in the encoding property or the defaultCharset setting: expected a name such as 'utf-8'.`,
    );
  }
  return charset;
}

/** A multipart or text subtype (`mixed`, `html`): nothing but the characters of a subtype name. */
export function checkSubtype(subtype: string): string {
  checkHeaderValue('subtype', subtype); // INJECTION GUARD
  if (!/^[A-Za-z0-9!#$&^_.+-]+$/.test(subtype)) throw new TypeError(`Invalid MIME subtype ${JSON.stringify(subtype)}.`);
  return subtype;
}
