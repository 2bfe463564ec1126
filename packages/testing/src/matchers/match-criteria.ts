import { equalsIn, isAsymmetric, matchAddressList, matchText } from './match-value.js';
import { mimetypeOf } from './mimetype.js';
import type { AttachmentCriteria, EmailCriteria, MatcherContext, SentAttachment, SentEmail } from './types.js';

/** The criteria {@link EmailCriteria} knows; anything else is a mistake worth a TypeError. */
export const CRITERIA_KEYS = [
  'subject',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'body',
  'html',
  'headers',
  'attachments',
] as const;

/** Throw a TypeError for criteria that are not an object or name an unknown field. */
export function checkCriteria(criteria: unknown, matcher: string): asserts criteria is EmailCriteria {
  if (typeof criteria !== 'object' || criteria === null || Array.isArray(criteria)) {
    throw new TypeError(
      `${matcher}() takes an object of criteria such as { to: 'ann@example.com' }; got ${String(criteria)}.`,
    );
  }
  const unknown = Object.keys(criteria).filter((key) => !(CRITERIA_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new TypeError(`${matcher}(): unknown criteria ${unknown.join(', ')}; use ${CRITERIA_KEYS.join(', ')}.`);
  }
}

/** The criteria fields a message fails; an empty list means it matches. */
export function mismatches(ctx: MatcherContext, email: SentEmail, criteria: EmailCriteria): string[] {
  const failed: string[] = [];
  const check = (key: string, ok: boolean) => {
    if (!ok) failed.push(key);
  };
  if (criteria.subject !== undefined) check('subject', matchText(ctx, email.subject, criteria.subject));
  if (criteria.from !== undefined) check('from', matchAddressList(ctx, [email.from], criteria.from));
  for (const key of ['to', 'cc', 'bcc', 'replyTo'] as const) {
    const expected = criteria[key];
    if (expected !== undefined) check(key, matchAddressList(ctx, email[key], expected));
  }
  if (criteria.body !== undefined) check('body', matchText(ctx, email.body, criteria.body, true));
  if (criteria.html !== undefined) check('html', matchText(ctx, email.html, criteria.html, true));
  for (const [name, expected] of Object.entries(criteria.headers ?? {})) {
    const actual = email.header(name);
    check(`headers.${name}`, expected === undefined ? actual === undefined : matchText(ctx, actual, expected));
  }
  if (criteria.attachments !== undefined) {
    const wanted = criteria.attachments.map((c) =>
      typeof c === 'string' || c instanceof RegExp ? { filename: c } : c,
    );
    check(
      'attachments',
      wanted.every((c) => email.attachments.some((a) => matchAttachment(ctx, a, c))),
    );
  }
  return failed;
}

/** One attachment against {@link AttachmentCriteria}. */
export function matchAttachment(
  ctx: MatcherContext,
  attachment: SentAttachment,
  criteria: AttachmentCriteria,
): boolean {
  if (criteria.filename !== undefined && !matchText(ctx, attachment.filename, criteria.filename)) return false;
  if (
    criteria.contentType !== undefined &&
    !matchText(
      ctx,
      attachment.contentType === undefined ? undefined : mimetypeOf(attachment.contentType),
      criteria.contentType,
    )
  ) {
    return false;
  }
  if (criteria.content !== undefined) return matchContent(ctx, attachment.content, criteria.content);
  return true;
}

/** Content as bytes when the criterion is a Buffer, as text for strings and RegExps, as is for asymmetric matchers. */
export function matchContent(ctx: MatcherContext, content: unknown, expected: unknown): boolean {
  if (Buffer.isBuffer(expected))
    return Buffer.isBuffer(content) ? content.equals(expected) : Buffer.from(String(content)).equals(expected);
  const text =
    Buffer.isBuffer(content) || content instanceof Uint8Array
      ? Buffer.from(content).toString('utf8')
      : typeof content === 'string'
        ? content
        : undefined;
  if (typeof expected === 'string' || expected instanceof RegExp) return matchText(ctx, text, expected, true);
  if (isAsymmetric(expected))
    return equalsIn(ctx)(content, expected) || (text !== undefined && equalsIn(ctx)(text, expected));
  return equalsIn(ctx)(content, expected);
}

/** Criteria as readable text: RegExps as `/x/`, asymmetric matchers by name. */
export function formatCriteria(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (isAsymmetric(value))
    return typeof value.toString === 'function' && value.toString !== Object.prototype.toString
      ? describeAsymmetric(value)
      : 'asymmetric matcher';
  if (Buffer.isBuffer(value)) return `<Buffer ${value.length} bytes>`;
  if (Array.isArray(value)) return `[${value.map(formatCriteria).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${formatCriteria(v)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value) ?? String(value);
}

function describeAsymmetric(matcher: object): string {
  const sample = (matcher as { sample?: unknown }).sample;
  const name = String(matcher);
  return sample === undefined ? name : `${name} ${formatCriteria(sample)}`;
}
