import { randomBytes } from 'node:crypto';
import { describeMessages } from '../smtp-fixture/describe-messages.js';
import type { ReceivedMessage } from '../smtp-fixture/types.js';
import { matchesQuery } from './search-query.js';

/** A message the inbox keeps: what the SMTP fixture received, an id, and when it arrived. */
export interface StoredMessage extends ReceivedMessage {
  /** Mailpit-style database id (22 characters). */
  id: string;
  /** When it was received. */
  created: Date;
  read: boolean;
}

/** What changed in the inbox, as the page's event stream tells it. */
export type InboxChange =
  | { type: 'new'; message: StoredMessage }
  | { type: 'delete'; ids: string[] }
  | { type: 'clear' }
  | { type: 'read'; ids: string[]; read: boolean };

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function newId(): string {
  return Array.from(randomBytes(22), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/**
 * The last `max` messages, newest last, with change listeners (the event stream and long polls).
 * Older messages are dropped as new ones arrive, so memory stays bounded.
 */
export class InboxStore {
  readonly max: number;
  readonly #messages = new Map<string, StoredMessage>();
  readonly #listeners = new Set<(change: InboxChange) => void>();
  /** Counters for `GET /api/v1/info`. */
  readonly stats = { accepted: 0, acceptedSize: 0, rejected: 0, deleted: 0 };

  constructor(max = 1000) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`max must be a whole number of at least 1, got ${max}.`);
    this.max = max;
  }

  get size(): number {
    return this.#messages.size;
  }

  add(received: ReceivedMessage): StoredMessage {
    const message: StoredMessage = { ...received, id: newId(), created: new Date(), read: false };
    this.#messages.set(message.id, message);
    this.stats.accepted++;
    this.stats.acceptedSize += received.raw.length;
    const dropped: string[] = [];
    for (const id of this.#messages.keys()) {
      if (this.#messages.size <= this.max) break;
      this.#messages.delete(id);
      dropped.push(id);
    }
    this.#emit({ type: 'new', message });
    if (dropped.length > 0) this.#emit({ type: 'delete', ids: dropped });
    return message;
  }

  /** Newest first, optionally only those matching a Mailpit search query. */
  list(query?: string): StoredMessage[] {
    const all = [...this.#messages.values()].reverse();
    return query ? all.filter((m) => matchesQuery(m, query)) : all;
  }

  /** A message by id; `latest` is the newest. */
  get(id: string): StoredMessage | undefined {
    if (id === 'latest') return this.list()[0];
    return this.#messages.get(id);
  }

  /** Delete these ids, or everything when none are given; resolves to how many went. */
  delete(ids?: readonly string[]): number {
    if (!ids || ids.length === 0) {
      const count = this.#messages.size;
      this.#messages.clear();
      this.stats.deleted += count;
      this.#emit({ type: 'clear' });
      return count;
    }
    const gone = ids.filter((id) => this.#messages.delete(id));
    this.stats.deleted += gone.length;
    if (gone.length > 0) this.#emit({ type: 'delete', ids: gone });
    return gone.length;
  }

  setRead(ids: readonly string[] | undefined, read: boolean): void {
    const targets = ids && ids.length > 0 ? ids : [...this.#messages.keys()];
    const changed = targets.filter((id) => {
      const message = this.#messages.get(id);
      if (!message || message.read === read) return false;
      message.read = read;
      return true;
    });
    if (changed.length > 0) this.#emit({ type: 'read', ids: changed, read });
  }

  /** Listen to changes; returns the function that stops listening. */
  subscribe(listener: (change: InboxChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The newest message matching `query` received at or after `since` (or any when omitted),
   * else the next one to arrive; rejects with the messages that did arrive after `timeout` ms.
   */
  waitFor(
    query: string,
    { timeout = 5000, since, signal }: { timeout?: number; since?: Date; signal?: AbortSignal } = {},
  ): Promise<StoredMessage> {
    const fits = (m: StoredMessage) => (since === undefined || m.created >= since) && matchesQuery(m, query);
    const found = this.list().find(fits);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        stop();
        signal?.removeEventListener('abort', abort);
      };
      const abort = () => {
        done();
        reject(signal?.reason);
      };
      const stop = this.subscribe((change) => {
        if (change.type === 'new' && fits(change.message)) {
          done();
          resolve(change.message);
        }
      });
      const timer = setTimeout(() => {
        done();
        reject(new WaitTimeoutError(query, timeout, this.list()));
      }, timeout);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  #emit(change: InboxChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/** No message matched in time; `received` holds what is in the inbox (newest first). */
export class WaitTimeoutError extends Error {
  readonly received: readonly StoredMessage[];
  constructor(query: string, timeout: number, received: readonly StoredMessage[]) {
    super(
      `No message matching ${JSON.stringify(query)} arrived within ${timeout} ms; the inbox holds ${received.length}${describeMessages(received.slice(0, 10))}`,
    );
    this.name = 'WaitTimeoutError';
    this.received = received;
  }
}
