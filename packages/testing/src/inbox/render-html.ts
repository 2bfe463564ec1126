import type { StoredMessage } from './inbox-store.js';

/**
 * The HTML part as the message view shows it, and the Content-Security-Policy it is served
 * with: no script at all (the iframe's sandbox has no `allow-scripts` either), images, styles,
 * fonts and media only from the inbox itself (the `cid:` parts) and `data:` unless `remote`,
 * no forms, no plugins; links open in a new tab.
 */
export function renderHtml(
  message: StoredMessage,
  html: string,
  { remote, origin }: { remote: boolean; origin: string },
): { body: string; csp: string } {
  const parts = new Map<string, string>();
  for (const a of message.parsed.attachments) {
    if (a.contentId && a.partId) parts.set(a.contentId.replace(/^<|>$/g, '').toLowerCase(), a.partId);
  }
  const partUrl = (cid: string) => {
    const partId = parts.get(decodeURIComponent(cid).toLowerCase());
    return partId === undefined
      ? 'about:blank'
      : `/api/v1/message/${encodeURIComponent(message.id)}/part/${encodeURIComponent(partId)}`;
  };
  const body = html
    .replace(/cid:([^"'\s)>]+)/gi, (_m, cid: string) => partUrl(cid))
    // A refresh would navigate the frame to a remote page without a click.
    .replace(/<meta\b[^>]*http-equiv\s*=\s*["']?refresh[^>]*>/gi, '');
  const self = `'self' ${origin}`;
  const loads = remote ? `${self} data: https: http:` : `${self} data:`;
  const csp = [
    "default-src 'none'",
    "script-src 'none'",
    `img-src ${loads}`,
    `media-src ${loads}`,
    `font-src ${loads}`,
    `style-src 'unsafe-inline' ${remote ? 'https: http:' : ''}`.trim(),
    "form-action 'none'",
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
  return { body: `<!doctype html><base target="_blank">${body}`, csp };
}
