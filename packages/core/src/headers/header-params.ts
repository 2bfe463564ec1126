import { buildHeaderParam, encodeWord } from 'nodemailer/lib/mime-funcs';
import { wordEncodingFor } from './encode-header.js';
import { quoteString } from './quoted-string.js';

// RFC 2045 §5.1: a token is printable ASCII but SPACE and tspecials.
export const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/**
 * One parameter (RFC 2045 §5.1) as `key=value` segments: a quoted string when it is short
 * printable ASCII, otherwise RFC 2231 continuations with UTF-8 percent-encoding (nodemailer's
 * buildHeaderParam).
 */
export function param(key: string, value: string): string[] {
  // `=?` goes the RFC 2231 way too: several clients decode encoded words in quoted parameters.
  if (/^[\x20-\x7e]*$/.test(value) && value.length < 75 && !value.includes('=?'))
    return [`${key}=${quoteString(value)}`];
  const parts = buildHeaderParam(key, value, 50);
  // RFC 2231 §4: one segment needs no continuation number; `filename*=` is understood more widely.
  if (parts.length === 1 && parts[0].key.endsWith('*0*')) return [`${key}*=${parts[0].value}`];
  // Segments without `*` are plain text: a quoted string when they hold specials (RFC 2045 §5.1).
  return parts.map((p) =>
    p.key.endsWith('*') || !/[\s"\\;:/=(),<>@[\]?]|^[-']|'$/.test(p.value)
      ? `${p.key}=${p.value}`
      : `${p.key}=${quoteString(p.value)}`,
  );
}

/** A parameter whose value may be a token: as is when short, else as {@link param} writes it. */
export function tokenOrParam(key: string, value: string): string[] {
  return value.length < 75 && TOKEN.test(value) ? [`${key}=${value}`] : param(key, value);
}

/** The `name=` Content-Type parameter for old clients that ignore RFC 2231: encoded words in quotes. */
export function legacyName(filename: string): string[] {
  if (/^[\x20-\x7e]*$/.test(filename) && filename.length < 75 && !filename.includes('=?'))
    return param('name', filename);
  return encodeWord(filename, wordEncodingFor(filename), 52)
    .split(' ')
    .map((word, i, all) => `${i === 0 ? 'name="' : ''}${word}${i === all.length - 1 ? '"' : ''}`);
}
