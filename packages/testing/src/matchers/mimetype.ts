import libmime from 'libmime';

/** A mimetype as the matchers compare it: `type/subtype` and parameters, lowercase. */
export interface ParsedMimetype {
  type: string;
  params: Map<string, string>;
}

/**
 * Parse `'text/calendar; charset="utf-8"; method=REQUEST'` with libmime (what mailparser uses
 * for the same headers): type and subtype, and the parameters with their values unquoted, all
 * lowercase so the comparison ignores case as MIME does.
 */
export function parseMimetype(mimetype: string): ParsedMimetype {
  const { value, params } = libmime.parseHeaderValue(mimetype);
  return {
    type: value.replace(/\s+/g, '').toLowerCase(),
    params: new Map(Object.entries(params).map(([name, v]) => [name.toLowerCase(), String(v).toLowerCase()])),
  };
}

/** Just `type/subtype` of a mimetype, lowercase (`'text/html; charset=utf-8'` → `'text/html'`). */
export function mimetypeOf(mimetype: string): string {
  return parseMimetype(mimetype).type;
}
