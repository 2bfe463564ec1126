import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { DeliveryOutcome, PreparedMessage, RateLimit, ResolvedPool } from '@mail/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { type ConnectOptions, connectSmtp, quitSmtp } from './connect.js';
import { RateLimiter } from './rate-limiter.js';
import { sendOneByOne } from './send-one-by-one.js';
import { sendPipelined } from './send-pipelined.js';
import { supportsExtension } from './session.js';
import { makeScrubber, SmtpError } from './smtp-error.js';

/** How many connections a message may go on (each one dropped or answered 421) before it fails. */
export const MAX_CONNECTIONS_PER_MESSAGE = 3;

/** Messages handed to a connection ahead of its replies: enough to keep its pipeline full. */
const WINDOW = 8;

/** After a connection could not be opened while others work, no new one is tried for this long. */
const CONNECT_BACKOFF_MS = 1_000;

/** What became of one message: delivered (with what the send path reported) or failed. */
export type PoolReport = { delivered: true; args: unknown[] } | { delivered: false; error: unknown; args: unknown[] };

/** What a pool needs: where to connect, how many connections, how fast. */
export interface PoolConfig {
  connect: ConnectOptions;
  pool: ResolvedPool;
  rateLimit: RateLimit | null;
}

/** One `sendMessages` call given to the pool: its messages' reports, in its own order. */
class Job {
  readonly reports: (PoolReport | undefined)[];
  /** Entries not yet reported nor dropped. */
  #pending: number;
  /** A failure ended the job (it is not failSilently): what was not sent yet is not sent. */
  stopped = false;
  /** A sequential job's entries that wait until the part given to a connection is reported. */
  rest: Entry[] | null = null;
  /** Entries given to a connection and not reported yet. */
  inFlight = 0;
  readonly #resolve: (reports: (PoolReport | undefined)[]) => void;

  constructor(
    /** Its messages go in order on one connection at a time, a failure stopping the rest. */
    readonly sequential: boolean,
    size: number,
    pending: number,
    resolve: (reports: (PoolReport | undefined)[]) => void,
  ) {
    this.reports = new Array(size);
    this.#pending = pending;
    this.#resolve = resolve;
    if (pending === 0) resolve(this.reports);
  }

  settle(entry: Entry, report: PoolReport): void {
    this.reports[entry.index] = report;
    this.#done(1);
  }

  /** Entries that will not be sent (the job stopped). */
  drop(count: number): void {
    this.#done(count);
  }

  #done(count: number): void {
    this.#pending -= count;
    if (this.#pending === 0) this.#resolve(this.reports);
  }
}

/** A message in the pool. */
interface Entry {
  readonly message: PreparedMessage;
  readonly job: Job;
  /** Its position in the job's batch. */
  readonly index: number;
  /** Connections it went on that dropped or answered 421. */
  tries: number;
  /** The connection it was given to, while it is there. */
  on: PooledConnection | null;
}

/** Thrown from a connection's outcome to end its run early (the run's own cleanup then applies). */
const STOP = Symbol('stop the run');

/** A connection of the pool and the run of messages it is sending. */
class PooledConnection {
  connection: SMTPConnection | null = null;
  /** Messages given to it since it opened (against `maxMessagesPerConnection`). */
  carried = 0;
  /** The batch its current run reads: entries are appended while it runs. */
  batch: PreparedMessage[] = [];
  /** Entries given to it and not reported yet. */
  pending = 0;
  running = false;
  /** Do not give it more: it answered 421, reached its cap, or is closing. */
  retiring = false;
  idleTimer: NodeJS.Timeout | null = null;

  get socket(): Socket | undefined {
    return (this.connection as unknown as { _socket?: Socket } | null)?._socket;
  }

  get live(): boolean {
    return this.connection !== null && !this.connection.destroyed;
  }
}

/**
 * One SMTP pool: up to `maxConnections` connections shared by every backend built for the same
 * mailer (or the same options), each pipelining the messages of many `sendMessages` calls with
 * the send paths the single-connection backend uses. A connection that drops or answers 421 is
 * replaced, and the messages it had not sent go to another (a message goes on at most
 * {@link MAX_CONNECTIONS_PER_MESSAGE}); a message whose content went out before the drop is
 * reported failed, never sent twice. Idle connections are unref'd (they never keep the process
 * alive), closed after `idleTimeout`, and sent QUIT when the process is about to exit.
 */
export class SmtpPool {
  readonly #config: PoolConfig;
  readonly #scrub: (text: string) => string;
  readonly #limiter: RateLimiter | null;
  readonly #onEmpty: () => void;
  /** Units waiting for a connection: each a run of entries that go together, in order. */
  #queue: Entry[][] = [];
  #queueHead = 0;
  readonly #entries = new Map<PreparedMessage, Entry>();
  readonly #connections = new Set<PooledConnection>();
  /** No new connection is opened before this time (performance.now()), after a failed one. */
  #backoffUntil = 0;
  #wake: NodeJS.Timeout | null = null;
  #exitHook = false;

  constructor(config: PoolConfig, onEmpty: () => void) {
    this.#config = config;
    this.#scrub = makeScrubber(config.connect.username, config.connect.password);
    this.#limiter = config.rateLimit ? new RateLimiter(config.rateLimit) : null;
    this.#onEmpty = onEmpty;
  }

  /**
   * Make sure a connection is open (the backend's `open()`): resolves true when this call
   * opened one, false when one was open. Rejects with the connection error.
   */
  async warm(): Promise<boolean> {
    for (const c of this.#connections) if (c.live || c.connection === null) return false;
    const c = this.#add();
    try {
      await this.#connect(c);
    } catch (error) {
      this.#remove(c);
      throw error;
    }
    this.#idle(c);
    return true;
  }

  /**
   * Send a checked batch; resolves, in batch order, to what became of each message (undefined
   * for one without recipients, skipped as Django does, and for those left unsent when a failure
   * stopped the batch). With `stopOnFailure` (a batch that is neither failSilently nor retried)
   * the batch goes in order, one connection at a time, and its first failure ends it, as
   * without a pool; otherwise its messages spread over the connections. Never rejects.
   */
  send(batch: readonly PreparedMessage[], stopOnFailure: boolean): Promise<(PoolReport | undefined)[]> {
    return new Promise((resolve) => {
      const sendable = batch.flatMap((message, index) => (message.envelope.to.length > 0 ? [{ message, index }] : []));
      const job = new Job(stopOnFailure && sendable.length > 1, batch.length, sendable.length, resolve);
      if (sendable.length === 0) return;
      const entries = sendable.map(({ message, index }): Entry => {
        const entry: Entry = { message, job, index, tries: 0, on: null };
        this.#entries.set(message, entry);
        return entry;
      });
      if (job.sequential) this.#enqueue(entries);
      else for (const entry of entries) this.#enqueue([entry]);
      this.#dispatch();
    });
  }

  #enqueue(unit: Entry[], first = false): void {
    if (!first) {
      this.#queue.push(unit);
      return;
    }
    if (this.#queueHead > 0) this.#queue[--this.#queueHead] = unit;
    else this.#queue.unshift(unit);
  }

  #peek(): Entry[] | undefined {
    return this.#queue[this.#queueHead];
  }

  #shift(): void {
    this.#queue[this.#queueHead++] = undefined as never;
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  get #queued(): boolean {
    return this.#queueHead < this.#queue.length;
  }

  /** Give waiting units to connections that can take them; open connections while units wait. */
  #dispatch(): void {
    const { maxConnections, maxMessagesPerConnection } = this.#config.pool;
    for (const c of this.#connections) {
      if (!this.#queued) break;
      if (!c.live || c.retiring) continue;
      while (this.#queued && c.pending < WINDOW && c.carried < maxMessagesPerConnection) {
        const unit = this.#peek()!;
        if (unit[0]!.job.stopped) {
          this.#shift();
          unit[0]!.job.drop(unit.length);
          continue;
        }
        const room = Math.min(unit.length, maxMessagesPerConnection - c.carried);
        const granted = this.#limiter ? this.#limiter.take(room) : room;
        if (granted === 0) {
          this.#wakeAt(this.#limiter!.nextAt());
          return;
        }
        this.#shift();
        if (granted < unit.length) unit[0]!.job.rest = unit.slice(granted);
        this.#give(c, granted < unit.length ? unit.slice(0, granted) : unit);
      }
    }
    if (!this.#queued) return;
    if (this.#limiter && this.#limiter.nextAt() > performance.now() && this.#connections.size > 0) return;
    const now = performance.now();
    if (now < this.#backoffUntil && this.#connections.size > 0) {
      this.#wakeAt(this.#backoffUntil);
      return;
    }
    let room = maxConnections - this.#connections.size;
    // A connection without a run takes what waits once it is open: count what it will take.
    for (const c of this.#connections) if (!c.retiring && c.connection === null) room = Math.min(room, 0);
    if (room > 0) void this.#start(this.#add());
  }

  /** Run `task` (a later dispatch) at `at` (performance.now() time). */
  #wakeAt(at: number): void {
    if (this.#wake) return;
    this.#wake = setTimeout(
      () => {
        this.#wake = null;
        this.#dispatch();
      },
      Math.max(0, Math.ceil(at - performance.now())),
    );
  }

  #add(): PooledConnection {
    const c = new PooledConnection();
    this.#connections.add(c);
    if (!this.#exitHook) {
      this.#exitHook = true;
      process.on('beforeExit', this.#beforeExit);
    }
    return c;
  }

  #remove(c: PooledConnection): void {
    if (!this.#connections.delete(c)) return;
    if (c.idleTimer) clearTimeout(c.idleTimer);
    c.idleTimer = null;
    if (this.#connections.size === 0) {
      if (this.#exitHook) process.removeListener('beforeExit', this.#beforeExit);
      this.#exitHook = false;
      if (this.#queued) this.#dispatch();
      else if (this.#entries.size === 0) this.#onEmpty();
    }
  }

  async #connect(c: PooledConnection): Promise<void> {
    c.connection = await connectSmtp(this.#config.connect);
    // Closed by the server while idle (its timeout): forget it; a run in progress sees it itself.
    c.connection.once('end', () => {
      if (!c.running) this.#remove(c);
    });
  }

  /** Open `c` and send what waits. */
  async #start(c: PooledConnection): Promise<void> {
    try {
      await this.#connect(c);
    } catch (error) {
      this.#connections.delete(c);
      this.#connectFailed(error);
      if (this.#connections.size === 0 && this.#exitHook) {
        process.removeListener('beforeExit', this.#beforeExit);
        this.#exitHook = false;
      }
      return;
    }
    this.#dispatch();
    if (c.pending === 0) this.#idle(c);
  }

  /**
   * No connection could be opened. With others open, they carry on and no new one is tried for a
   * while; with none, every waiting message fails with this error (nothing would send it).
   */
  #connectFailed(error: unknown): void {
    if (this.#connections.size > 0) {
      this.#backoffUntil = performance.now() + CONNECT_BACKOFF_MS;
      this.#dispatch();
      return;
    }
    while (this.#queued) {
      const unit = this.#peek()!;
      this.#shift();
      for (const entry of unit) this.#fail(entry, error);
    }
    if (this.#entries.size === 0) this.#onEmpty();
  }

  /** Hand `unit` to `c`, starting its run when it has none. */
  #give(c: PooledConnection, unit: Entry[]): void {
    if (c.idleTimer) {
      clearTimeout(c.idleTimer);
      c.idleTimer = null;
      c.socket?.ref();
    }
    for (const entry of unit) {
      entry.on = c;
      entry.job.inFlight++;
      c.batch.push(entry.message);
    }
    c.pending += unit.length;
    c.carried += unit.length;
    if (!c.running) void this.#run(c);
  }

  /** Send `c.batch` until nothing is left for it; then it idles, or closes when retired or broken. */
  async #run(c: PooledConnection): Promise<void> {
    c.running = true;
    const outcome = this.#outcomeFor(c);
    while (c.batch.length > 0 && c.live && !c.retiring) {
      const batch = c.batch;
      const connection = c.connection!;
      const send = supportsExtension(connection, 'PIPELINING') ? sendPipelined : sendOneByOne;
      let unexpected: { error: unknown } | null = null;
      try {
        await send(connection, batch, 0, outcome, this.#scrub);
      } catch (error) {
        if (error !== STOP) unexpected = { error };
      }
      const left = batch.filter((m) => this.#entries.get(m)?.on === c);
      c.batch = [];
      if (unexpected) {
        // Not a connection failure: what state the session is in is unknown, so nothing is sent again.
        c.retiring = true;
        for (const m of left) this.#fail(this.#entries.get(m)!, unexpected.error);
      } else if (!c.live || c.retiring) {
        // Dropped (or retired after a 421): the first message left may have had its envelope on it.
        // Back to the front of the queue in their order: the last first.
        for (let k = left.length - 1; k >= 0; k--) {
          const entry = this.#entries.get(left[k]!)!;
          this.#unassign(entry);
          if (k === 0 && !c.live) entry.tries++;
          this.#requeue(entry);
        }
      } else c.batch = left;
    }
    c.running = false;
    if (c.live && !c.retiring && c.carried >= this.#config.pool.maxMessagesPerConnection) c.retiring = true;
    if (!c.live || c.retiring) {
      this.#remove(c);
      if (c.live) void quitSmtp(c.connection!, this.#config.connect.timeout);
      this.#dispatch();
    } else {
      this.#dispatch();
      if (c.pending === 0 && !c.running) this.#idle(c);
    }
  }

  /** Waits for work: unref'd (never keeps the process alive), closed after `idleTimeout`. */
  #idle(c: PooledConnection): void {
    if (!c.live) {
      this.#remove(c);
      return;
    }
    c.socket?.unref();
    if (c.idleTimer) clearTimeout(c.idleTimer);
    c.idleTimer = setTimeout(() => {
      c.idleTimer = null;
      if (c.running || c.pending > 0) return;
      this.#remove(c);
      void quitSmtp(c.connection!, this.#config.connect.timeout);
    }, this.#config.pool.idleTimeout * 1000);
    c.idleTimer.unref();
  }

  /** The process has nothing left to do: QUIT the idle connections (the reply is waited for 2 s at most). */
  readonly #beforeExit = (): void => {
    for (const c of [...this.#connections]) {
      if (c.running || c.pending > 0 || c.connection === null) continue;
      this.#remove(c);
      void quitSmtp(c.connection, this.#config.connect.timeout);
    }
  };

  /** What a run on `c` reports to: each message's fate goes to its own job. */
  #outcomeFor(c: PooledConnection): DeliveryOutcome {
    const pool = this;
    return {
      get sent() {
        return 0;
      },
      delivered(message: PreparedMessage, ...args: unknown[]) {
        pool.#settle(c, message, { delivered: true, args });
      },
      failed(message: PreparedMessage, error: unknown, ...args: unknown[]) {
        const entry = pool.#entries.get(message);
        if (!entry || entry.on !== c) return;
        if ((error as { responseCode?: unknown } | null)?.responseCode === 421) {
          // RFC 5321 §3.8: the server is closing the channel and did not take the message: it
          // goes on another connection, and this one takes no more.
          c.retiring = true;
          pool.#unassign(entry);
          entry.tries++;
          pool.#requeue(entry, error);
          throw STOP;
        }
        pool.#settle(c, message, { delivered: false, error, args });
        const { job } = entry;
        if (!job.sequential || job.stopped) return;
        // A failure ends a batch that is not failSilently, as without a pool: the rest is not sent.
        job.stopped = true;
        if (job.rest) {
          job.drop(job.rest.length);
          job.rest = null;
        }
        if (job.inFlight > 0) {
          for (const m of c.batch) {
            const other = pool.#entries.get(m);
            if (other?.job === job && other.on === c) {
              pool.#unassign(other);
              pool.#entries.delete(m);
              job.drop(1);
            }
          }
          throw STOP;
        }
      },
    };
  }

  #settle(c: PooledConnection, message: PreparedMessage, report: PoolReport): void {
    const entry = this.#entries.get(message);
    if (!entry || entry.on !== c) return;
    this.#unassign(entry);
    this.#entries.delete(message);
    const { job } = entry;
    job.settle(entry, report);
    // The part of a sequential job given to a connection is done: the rest of it goes next.
    if (job.inFlight === 0 && job.rest && !job.stopped) {
      const rest = job.rest;
      job.rest = null;
      this.#enqueue(rest, true);
    }
    this.#dispatch();
  }

  #unassign(entry: Entry): void {
    const c = entry.on;
    if (!c) return;
    entry.on = null;
    c.pending--;
    entry.job.inFlight--;
  }

  /** Back to the front of the queue, or failed once it went on too many connections. */
  #requeue(entry: Entry, error?: unknown): void {
    if (entry.tries >= MAX_CONNECTIONS_PER_MESSAGE) {
      const cause = error ?? new Error('the connections dropped');
      this.#fail(
        entry,
        new SmtpError(
          `The message went on ${entry.tries} SMTP connections of the pool and each dropped or answered 421 before ` +
            `the server accepted it; it was not delivered. Last: ${(cause as Error).message ?? String(cause)}`,
          { transient: true, cause, command: 'CONN' },
        ),
      );
      return;
    }
    const { job } = entry;
    if (job.sequential) {
      if (job.stopped) {
        this.#entries.delete(entry.message);
        job.drop(1);
        return;
      }
      // The job's entries stay in their order.
      job.rest = job.rest ? [entry, ...job.rest].sort((a, b) => a.index - b.index) : [entry];
      if (job.inFlight === 0) {
        const rest = job.rest;
        job.rest = null;
        this.#enqueue(rest, true);
      }
      return;
    }
    this.#enqueue([entry], true);
  }

  #fail(entry: Entry, error: unknown): void {
    this.#unassign(entry);
    this.#entries.delete(entry.message);
    entry.job.settle(entry, { delivered: false, error, args: [] });
    if (entry.job.sequential && !entry.job.stopped) {
      entry.job.stopped = true;
      if (entry.job.rest) {
        entry.job.drop(entry.job.rest.length);
        entry.job.rest = null;
      }
    }
  }
}

/** The pools of this process, by mailer alias and options. */
const pools = new Map<string, SmtpPool>();

/**
 * The pool for backends of this alias (null: none) and these options, made on first use. A
 * pool with nothing open and nothing to send is forgotten (the next send makes a new one).
 */
export function poolFor(alias: string | null, config: PoolConfig): SmtpPool {
  const { connect, pool: limits, rateLimit } = config;
  const { tlsOptions, ...plain } = connect;
  // The key holds the password, as the pool's own options do: neither is ever shown.
  const key =
    JSON.stringify([alias, plain, limits, rateLimit]) +
    (Object.keys(tlsOptions).length === 0 ? '' : JSON.stringify(tlsOptions, keyValue));
  let pool = pools.get(key);
  if (!pool) {
    const made = new SmtpPool(config, () => {
      if (pools.get(key) === made) pools.delete(key);
    });
    pools.set(key, made);
    pool = made;
  }
  return pool;
}

/** Functions (a `checkServerIdentity`) by identity, in the order first seen. */
const functionIds = new WeakMap<Function, number>();
let nextFunctionId = 0;

/** JSON of `tlsOptions` for a pool key: Buffers (a CA, a key) by content (their toJSON), functions by identity. */
function keyValue(_key: string, value: unknown): unknown {
  if (typeof value !== 'function') return value;
  let id = functionIds.get(value);
  if (id === undefined) functionIds.set(value, (id = nextFunctionId++));
  return `function#${id}`;
}
