/** What {@link extractLinks} and {@link extractCodes} read: a message's text and HTML bodies. */
export interface MessageBodies {
  text?: string | null;
  html?: string | false | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return ENTITIES[lower] ?? whole;
  });
}

/**
 * The http(s) links of a message, in order and without repeats: the `href`s of the HTML's
 * anchors first, then URLs written out in the text.
 *
 * @example
 * ```ts
 * const [confirm] = extractLinks({ text: 'Confirm: https://app.test/confirm?t=abc' });
 * ```
 */
export function extractLinks({ text, html }: MessageBodies): string[] {
  const found: string[] = [];
  if (typeof html === 'string') {
    for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      found.push(decodeEntities((m[1] ?? m[2] ?? m[3]).trim()));
    }
  }
  for (const m of (text ?? '').matchAll(/\bhttps?:\/\/[^\s<>"'()[\]]+/gi)) {
    found.push(m[0].replace(/[.,;:!?]+$/, ''));
  }
  return [...new Set(found.filter((url) => /^https?:\/\//i.test(url)))];
}

const KEYWORD = /\b(code|otp|pin|passcode|password|token|verification|verify|one[- ]time)\b/i;

/**
 * One-time codes in a message's text (or its HTML's text when there is none): runs of 4 to 8
 * digits, or 6 to 10 capital letters and digits with at least one digit (`A7K-29Q` style
 * counts without the dashes); codes a few words after "code", "OTP", "PIN", "verification"…
 * come first.
 *
 * @example
 * ```ts
 * extractCodes({ text: 'Your verification code is 482913.' }); // ['482913']
 * ```
 */
export function extractCodes({ text, html }: MessageBodies): string[] {
  const body =
    text ||
    (typeof html === 'string' ? decodeEntities(html.replace(/<(style|script)[\s\S]*?<\/\1>|<[^>]*>/gi, ' ')) : '');
  const near: string[] = [];
  const other: string[] = [];
  for (const m of body.matchAll(
    /(?<![\w./:-])(\d{4,8}|(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{2,5}(?:-?[A-Z0-9]{2,5}){1,2}|\d{3}[- ]\d{3})(?![\w/:-]|\.\d)/g,
  )) {
    const code = m[0].replace(/[- ]/g, '');
    if (code.length < 4 || code.length > 10) continue;
    const before = body.slice(Math.max(0, (m.index ?? 0) - 60), m.index);
    (KEYWORD.test(before) ? near : other).push(code);
  }
  return [...new Set([...near, ...other])];
}
