import type { ChaosTrigger, ChaosTriggers } from './chaos.js';
import type { MailpitMessage, MailpitMessagesSummary } from './mailpit-shapes.js';

/** What `PUT /api/v1/chaos` takes: every part optional; what is left out is reset. */
export interface ChaosRequest {
  Sender?: Partial<ChaosTrigger>;
  Recipient?: Partial<ChaosTrigger>;
  Authentication?: Partial<ChaosTrigger>;
  Data?: Partial<ChaosTrigger>;
  Drop?: Partial<ChaosTriggers['Drop']>;
  DelayMs?: number;
}

/** The SMTP envelope of a message: `RcptTo` holds the Bcc recipients too. */
export interface InboxEnvelope {
  MailFrom: string;
  RcptTo: string[];
  Secure: boolean;
  Username: string;
  Session: string;
}

/**
 * A typed client for the web inbox (`mail-debug-server --web`, or {@link startInbox}): Mailpit's
 * API v1 plus the long poll, the envelope and the link/code extraction.
 *
 * @example
 * ```ts
 * const inbox = new InboxClient('http://127.0.0.1:8025');
 * const message = await inbox.waitForMessage({ query: 'to:ann@example.com subject:welcome' });
 * const { Links } = await inbox.extract(message.ID);
 * ```
 */
export class InboxClient {
  readonly baseUrl: string;

  constructor(baseUrl = 'http://127.0.0.1:8025') {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async #request(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(this.baseUrl + path, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      const text = await response.text();
      let detail = text;
      try {
        detail = (JSON.parse(text) as { Error?: string }).Error ?? text;
      } catch {
        // a plain-text error
      }
      throw new Error(`${method} ${path}: ${response.status} ${detail}`);
    }
    return response;
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.#request(method, path, body)).json() as Promise<T>;
  }

  /** Newest first (Mailpit's `GET /api/v1/messages`); `limit` 0 is all. */
  messages({ start = 0, limit = 50 }: { start?: number; limit?: number } = {}): Promise<MailpitMessagesSummary> {
    return this.#json('GET', `/api/v1/messages?start=${start}&limit=${limit}`);
  }

  /** Messages matching a Mailpit search query (`from:`, `to:`, `subject:`, words, `-negation`). */
  search(
    query: string,
    { start = 0, limit = 50 }: { start?: number; limit?: number } = {},
  ): Promise<MailpitMessagesSummary> {
    return this.#json('GET', `/api/v1/search?query=${encodeURIComponent(query)}&start=${start}&limit=${limit}`);
  }

  /** One message (`latest` is the newest); marks it read. */
  message(id = 'latest'): Promise<MailpitMessage> {
    return this.#json('GET', `/api/v1/message/${encodeURIComponent(id)}`);
  }

  /** The message as received. */
  async raw(id = 'latest'): Promise<string> {
    return (await this.#request('GET', `/api/v1/message/${encodeURIComponent(id)}/raw`)).text();
  }

  /** Its headers by canonical name (`Message-Id`), values as sent. */
  headers(id = 'latest'): Promise<Record<string, string[]>> {
    return this.#json('GET', `/api/v1/message/${encodeURIComponent(id)}/headers`);
  }

  /** The bytes of an attachment or inline part. */
  async part(id: string, partId: string): Promise<Buffer> {
    const path = `/api/v1/message/${encodeURIComponent(id)}/part/${encodeURIComponent(partId)}`;
    return Buffer.from(await (await this.#request('GET', path)).arrayBuffer());
  }

  /** MAIL FROM and RCPT TO of a message. */
  envelope(id = 'latest'): Promise<InboxEnvelope> {
    return this.#json('GET', `/api/message/${encodeURIComponent(id)}/envelope`);
  }

  /** The links and one-time codes in a message (see {@link extractLinks}, {@link extractCodes}). */
  extract(id = 'latest'): Promise<{ Links: string[]; Codes: string[] }> {
    return this.#json('GET', `/api/message/${encodeURIComponent(id)}/extract`);
  }

  /** Delete these messages, or all of them. */
  async delete(ids?: string[]): Promise<void> {
    await this.#request('DELETE', '/api/v1/messages', ids ? { IDs: ids } : undefined);
  }

  /** Delete every message. */
  clear(): Promise<void> {
    return this.delete();
  }

  /** Set the fault injection (Mailpit's `PUT /api/v1/chaos`, plus `Count`, `Data`, `Drop`, `DelayMs`). */
  setChaos(request: ChaosRequest): Promise<ChaosTriggers> {
    return this.#json('PUT', '/api/v1/chaos', request);
  }

  /**
   * The newest message matching `query` (received at or after `since` when given), or the next
   * one to arrive; rejects after `timeout` ms (default 5000) with the messages that did arrive.
   */
  waitForMessage({
    query = '',
    timeout = 5000,
    since,
  }: {
    query?: string;
    timeout?: number;
    since?: Date;
  } = {}): Promise<MailpitMessage> {
    const params = new URLSearchParams({ query, timeout: String(timeout) });
    if (since) params.set('since', since.toISOString());
    return this.#json('GET', `/api/wait?${params}`);
  }
}
