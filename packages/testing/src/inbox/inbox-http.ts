import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Chaos } from './chaos.js';
import { parseChaos } from './chaos.js';
import { extractCodes, extractLinks } from './extract.js';
import type { InboxStore, StoredMessage } from './inbox-store.js';
import { WaitTimeoutError } from './inbox-store.js';
import { findPart, headersShape, listShape, messageShape, summaryShape } from './mailpit-shapes.js';
import { renderHtml } from './render-html.js';

type Handler = (ctx: Context) => void | Promise<void>;

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  store: InboxStore;
  chaos: Chaos;
  /** `http://host:port` as the browser sees it, for the message view's CSP. */
  origin: string;
}

/** The page's files, read once: `web/` beside `dist/` in the package, or beside `src/` in the repository. */
const assets = new Map<string, Buffer>();
function asset(name: string): Buffer {
  let found = assets.get(name);
  if (!found) {
    const candidates = ['../web/', '../../web/'].map((dir) => new URL(dir + name, import.meta.url));
    for (const candidate of candidates) {
      try {
        found = readFileSync(candidate);
        break;
      } catch {
        // try the next place
      }
    }
    if (!found) throw new Error(`mail-debug-server: the page file web/${name} is missing from @mail/testing`);
    assets.set(name, found);
  }
  return found;
}

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(ctx: Context, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) {
  ctx.res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  ctx.res.end(body);
}
const json = (ctx: Context, value: unknown, status = 200) =>
  send(ctx, status, 'application/json', JSON.stringify(value));
const text = (ctx: Context, body: string, status = 200) => send(ctx, status, 'text/plain; charset=utf-8', body);
const notFound = (ctx: Context) => text(ctx, '404 page not found', 404);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('request body over 1 MB');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8').trim();
  return body === '' ? undefined : JSON.parse(body);
}

function pageOf(url: URL): { start: number; limit: number } {
  const start = Math.max(0, Number.parseInt(url.searchParams.get('start') ?? '0', 10) || 0);
  const raw = Number.parseInt(url.searchParams.get('limit') ?? '50', 10);
  return { start, limit: Number.isNaN(raw) || raw < 0 ? 50 : raw };
}

/** Runs `then` with the message of `:id` (`latest` allowed), or answers 404. */
const withMessage =
  (then: (ctx: Context, message: StoredMessage) => void | Promise<void>): Handler =>
  (ctx) => {
    const message = ctx.store.get(decodeURIComponent(ctx.params[0]));
    return message ? then(ctx, message) : notFound(ctx);
  };

function ids(body: unknown): string[] | undefined {
  const list = (body as { IDs?: unknown } | undefined)?.IDs;
  return Array.isArray(list) ? list.map(String) : undefined;
}

function events(ctx: Context): void {
  ctx.res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  ctx.res.write('retry: 1000\n\n');
  const stop = ctx.store.subscribe((change) => {
    const data =
      change.type === 'new'
        ? summaryShape(change.message)
        : change.type === 'clear'
          ? {}
          : { ...change, type: undefined };
    ctx.res.write(`event: ${change.type}\ndata: ${JSON.stringify(data)}\n\n`);
  });
  const ping = setInterval(() => ctx.res.write(': ping\n\n'), 15_000);
  ctx.req.on('close', () => {
    clearInterval(ping);
    stop();
  });
}

async function wait(ctx: Context): Promise<void> {
  const { searchParams } = ctx.url;
  const timeout = Math.min(300_000, Math.max(0, Number(searchParams.get('timeout') ?? 5000) || 0));
  const sinceText = searchParams.get('since');
  const since = sinceText ? new Date(Number.isNaN(Number(sinceText)) ? sinceText : Number(sinceText)) : undefined;
  if (since && Number.isNaN(since.getTime())) return text(ctx, 'since must be an ISO date or milliseconds', 400);
  const abort = new AbortController();
  ctx.res.on('close', () => abort.abort());
  try {
    const message = await ctx.store.waitFor(searchParams.get('query') ?? '', { timeout, since, signal: abort.signal });
    json(ctx, messageShape(message));
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) return;
    json(ctx, { Error: error.message, Received: error.received.slice(0, 50).map(summaryShape) }, 408);
  }
}

const routes: [method: string, pattern: RegExp, handler: Handler][] = [
  [
    'GET',
    /^\/$/,
    (ctx) => send(ctx, 200, 'text/html; charset=utf-8', asset('inbox.html'), { 'Content-Security-Policy': PAGE_CSP }),
  ],
  [
    'GET',
    /^\/(inbox\.(?:js|css))$/,
    (ctx) => {
      const name = ctx.params[0];
      send(ctx, 200, name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', asset(name));
    },
  ],
  [
    'GET',
    /^\/api\/v1\/messages$/,
    (ctx) => {
      const { start, limit } = pageOf(ctx.url);
      const all = ctx.store.list();
      json(ctx, listShape(all, all, start, limit));
    },
  ],
  [
    'PUT',
    /^\/api\/v1\/messages$/,
    async (ctx) => {
      const body = (await readJson(ctx.req)) as { Read?: boolean } | undefined;
      ctx.store.setRead(ids(body), Boolean(body?.Read));
      text(ctx, 'ok');
    },
  ],
  [
    'DELETE',
    /^\/api\/v1\/messages$/,
    async (ctx) => {
      ctx.store.delete(ids(await readJson(ctx.req)));
      text(ctx, 'ok');
    },
  ],
  [
    'GET',
    /^\/api\/v1\/search$/,
    (ctx) => {
      const query = (ctx.url.searchParams.get('query') ?? '').trim();
      if (query === '') return text(ctx, 'Error: no search query', 400);
      const { start, limit } = pageOf(ctx.url);
      json(ctx, listShape(ctx.store.list(), ctx.store.list(query), start, limit));
    },
  ],
  [
    'DELETE',
    /^\/api\/v1\/search$/,
    (ctx) => {
      const query = (ctx.url.searchParams.get('query') ?? '').trim();
      if (query === '') return text(ctx, 'Error: no search query', 400);
      ctx.store.delete(ctx.store.list(query).map((m) => m.id));
      text(ctx, 'ok');
    },
  ],
  [
    'GET',
    /^\/api\/v1\/message\/([^/]+)$/,
    withMessage((ctx, message) => {
      ctx.store.setRead([message.id], true);
      json(ctx, messageShape(message));
    }),
  ],
  [
    'GET',
    /^\/api\/v1\/message\/([^/]+)\/raw$/,
    withMessage((ctx, message) => {
      const download = ctx.url.searchParams.get('dl') === '1';
      send(
        ctx,
        200,
        'text/plain; charset=utf-8',
        message.raw,
        download ? { 'Content-Disposition': `attachment; filename="${message.id}.eml"` } : {},
      );
    }),
  ],
  ['GET', /^\/api\/v1\/message\/([^/]+)\/headers$/, withMessage((ctx, message) => json(ctx, headersShape(message)))],
  [
    'GET',
    /^\/api\/v1\/message\/([^/]+)\/part\/([^/]+)$/,
    withMessage((ctx, message) => {
      const part = findPart(message, decodeURIComponent(ctx.params[1]));
      if (!part) return notFound(ctx);
      const name = part.filename || (part.contentId ?? '').replace(/^<|>$/g, '') || `part-${part.partId}`;
      const disposition = ctx.url.searchParams.get('download') === '1' ? 'attachment' : 'inline';
      send(ctx, 200, part.contentType || 'application/octet-stream', part.content, {
        'Content-Disposition': `${disposition}; filename="${encodeURIComponent(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        // An HTML attachment opened in a tab runs no script and cannot reach the API.
        'Content-Security-Policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
      });
    }),
  ],
  [
    'GET',
    /^\/api\/v1\/info$/,
    (ctx) => {
      const all = ctx.store.list();
      json(ctx, {
        Version: 'mail-debug-server',
        LatestVersion: '',
        Database: 'memory',
        DatabaseSize: 0,
        Messages: all.length,
        Unread: all.filter((m) => !m.read).length,
        Tags: {},
        RuntimeStats: {
          Uptime: Math.round(process.uptime()),
          Memory: process.memoryUsage().rss,
          MessagesDeleted: ctx.store.stats.deleted,
          SMTPAccepted: ctx.store.stats.accepted,
          SMTPAcceptedSize: ctx.store.stats.acceptedSize,
          SMTPRejected: ctx.store.stats.rejected,
          SMTPIgnored: 0,
        },
      });
    },
  ],
  [
    'GET',
    /^\/api\/v1\/webui$/,
    (ctx) =>
      json(ctx, {
        Label: '',
        MessageRelay: { Enabled: false },
        SpamAssassin: false,
        ChaosEnabled: true,
        DuplicatesIgnored: false,
        HideDeleteAllButton: false,
        MaxMessages: ctx.store.max,
      }),
  ],
  ['GET', /^\/api\/v1\/chaos$/, (ctx) => json(ctx, ctx.chaos.triggers)],
  [
    'PUT',
    /^\/api\/v1\/chaos$/,
    async (ctx) => {
      ctx.chaos.set(parseChaos(await readJson(ctx.req)));
      json(ctx, ctx.chaos.triggers);
    },
  ],
  [
    'GET',
    /^\/view\/([^/]+)\.html$/,
    withMessage((ctx, message) => {
      const remote = ctx.url.searchParams.get('remote') === '1';
      const html = typeof message.parsed.html === 'string' ? message.parsed.html : '';
      if (!html) return notFound(ctx);
      const { body, csp } = renderHtml(message, html, { remote, origin: ctx.origin });
      send(ctx, 200, 'text/html; charset=utf-8', body, {
        'Content-Security-Policy': csp,
        'X-DNS-Prefetch-Control': 'off',
      });
    }),
  ],
  ['GET', /^\/view\/([^/]+)\.txt$/, withMessage((ctx, message) => text(ctx, message.parsed.text ?? ''))],
  ['GET', /^\/api\/events$/, events],
  ['GET', /^\/api\/wait$/, wait],
  [
    'GET',
    /^\/api\/message\/([^/]+)\/envelope$/,
    withMessage((ctx, message) =>
      json(ctx, {
        MailFrom: message.envelope.mailFrom,
        RcptTo: message.envelope.rcptTo,
        Secure: message.secure,
        Username: message.user ?? '',
        Session: message.session,
      }),
    ),
  ],
  [
    'GET',
    /^\/api\/message\/([^/]+)\/extract$/,
    withMessage((ctx, message) => {
      const bodies = { text: message.parsed.text, html: message.parsed.html };
      json(ctx, { Links: extractLinks(bodies), Codes: extractCodes(bodies) });
    }),
  ],
];

/** Whether `host` (a Host header) names this machine: requests from a DNS-rebound name are refused. */
function isLoopbackHost(host: string): boolean {
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** The request handler of the web inbox: the page, Mailpit's API v1 and the extensions. */
export function inboxHandler(
  store: InboxStore,
  chaos: Chaos,
  { loopbackOnly }: { loopbackOnly: boolean },
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const host = req.headers.host ?? '';
    const url = new URL(req.url ?? '/', 'http://inbox.invalid');
    const ctx: Context = { req, res, url, params: [], store, chaos, origin: `http://${host}` };
    if (loopbackOnly && !isLoopbackHost(host))
      return text(ctx, `Host ${JSON.stringify(host)} is not this machine`, 421);
    for (const [method, pattern, handler] of routes) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) continue;
      ctx.params = match.slice(1);
      Promise.resolve()
        .then(() => handler(ctx))
        .catch((error: Error) => {
          if (!res.headersSent) text(ctx, `Error: ${error.message}`, 400);
        });
      return;
    }
    notFound(ctx);
  };
}
