import { checkHeaderValue } from './check-header.js';

/**
 * The one-click unsubscribe of a message (RFC 2369 `List-Unsubscribe`, RFC 8058
 * `List-Unsubscribe-Post`): an https (or http) URL, a mailto target, or both.
 *
 * @example
 * ```ts
 * new EmailMessage({ …, listUnsubscribe: { url: 'https://example.com/u/42', mailto: 'unsub@example.com', oneClick: true } });
 * // List-Unsubscribe: <https://example.com/u/42>, <mailto:unsub@example.com>
 * // List-Unsubscribe-Post: List-Unsubscribe=One-Click
 * ```
 */
export interface ListUnsubscribe {
  /** An `https:` URL (`http:` only without `oneClick`) that unsubscribes the recipient. */
  url?: string;
  /** An address (`unsub@example.com`) or a mailto URL (`mailto:unsub@example.com?subject=stop`). */
  mailto?: string;
  /** Add `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058); needs an https `url`. */
  oneClick?: boolean;
}

// RFC 2369 §2 and RFC 5322: a header line is at most 998 octets; a longer target cannot be sent.
const MAX_TARGET = 900;
// A bare address for a mailto target (RFC 6068 §2): no brackets, commas, spaces or quotes to break out of <…>.
const MAILTO_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const KEYS = new Set(['url', 'mailto', 'oneClick']);

function fail(detail: string): never {
  throw new TypeError(`listUnsubscribe: ${detail}`);
}

function httpTarget(url: unknown, oneClick: boolean): string {
  if (typeof url !== 'string' || url === '') fail('url must be a string such as "https://example.com/unsubscribe/42".');
  checkHeaderValue('List-Unsubscribe', url); // INJECTION GUARD: no line break reaches the header
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(`url ${JSON.stringify(url)} is not an absolute URL.`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && !oneClick))
    fail(
      oneClick
        ? `oneClick needs an https url (RFC 8058 §3.1), got ${parsed.protocol}.`
        : `url must be https: (or http:), got ${parsed.protocol}.`,
    );
  if (parsed.username || parsed.password) fail('url must not carry a user name or password.');
  // INJECTION GUARD: the WHATWG serialisation percent-encodes spaces, quotes and angle brackets;
  // a comma would end the target inside the list (RFC 2369 §2), so it is encoded as well.
  return parsed.href.replace(/,/g, '%2C');
}

function mailtoTarget(mailto: unknown): string {
  if (typeof mailto !== 'string' || mailto === '') fail('mailto must be an address or a mailto: URL.');
  checkHeaderValue('List-Unsubscribe', mailto); // INJECTION GUARD
  const bare = mailto.replace(/^mailto:/i, '');
  const q = bare.indexOf('?');
  const address = q === -1 ? bare : bare.slice(0, q);
  if (!MAILTO_ADDRESS.test(address))
    fail(`mailto ${JSON.stringify(mailto)} is not a plain address such as "unsubscribe@example.com".`);
  if (q === -1) return `mailto:${address}`;
  // RFC 6068 §2: hfields, each name and value percent-encoded (so no '>' or ',' survives raw).
  const fields = [...new URLSearchParams(bare.slice(q + 1))].map(
    ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
  );
  return `mailto:${address}${fields.length ? `?${fields.join('&')}` : ''}`;
}

/**
 * The header fields for a message's `listUnsubscribe` (none for null), values in wire form.
 * @throws TypeError for a target that is not a valid https/http URL or mailto address, or for
 *   `oneClick` without an https `url`; BadHeaderError for a line break or control character.
 */
export function listUnsubscribeHeaders(value: ListUnsubscribe | null | undefined): { name: string; value: string }[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) fail('expected { url?, mailto?, oneClick? }.');
  for (const key of Object.keys(value)) if (!KEYS.has(key)) fail(`unknown field "${key}" (url, mailto, oneClick).`);
  const oneClick = value.oneClick ?? false;
  if (typeof oneClick !== 'boolean') fail('oneClick must be true or false.');
  if (value.url === undefined && value.mailto === undefined) fail('give a url, a mailto, or both.');
  if (oneClick && value.url === undefined) fail('oneClick needs an https url (RFC 8058 §3.1).');
  const targets: string[] = [];
  if (value.url !== undefined) targets.push(httpTarget(value.url, oneClick));
  if (value.mailto !== undefined) targets.push(mailtoTarget(value.mailto));
  if (targets.some((t) => t.length > MAX_TARGET)) fail(`a target is over ${MAX_TARGET} characters.`);
  // RFC 2369 §2: each target in angle brackets, separated by commas; the https one first (RFC 8058 §3.1).
  const headers = [{ name: 'List-Unsubscribe', value: targets.map((t) => `<${t}>`).join(', ') }];
  if (oneClick) headers.push({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
  return headers;
}
