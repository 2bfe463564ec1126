import type { AddressInfo, Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import type { SMTPServer, SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { readAlternatives } from './alternatives.js';
import { describeMessages } from './describe-messages.js';
import { decideFault, delayFor, type FaultAction, replyError } from './faults.js';
import type {
  ReceivedMessage,
  SmtpEvent,
  SmtpFaults,
  SmtpFixtureBackendOptions,
  SmtpFixtureOptions,
  SmtpStage,
} from './types.js';

type Callback = (error?: Error | null, message?: string) => void;

/**
 * An SMTP server for tests, on a real socket. Start it with {@link startSmtpServer}.
 * Everything it accepted is in {@link SmtpFixture.messages}; what happened in each session is in
 * {@link SmtpFixture.events}.
 */
export class SmtpFixture {
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on (a free one unless `port` was given). */
  readonly port: number;
  /** Messages accepted so far, in order of arrival. */
  readonly messages: ReceivedMessage[] = [];
  /** Sessions' events so far (connect, secure, auth, mail, rcpt, data, drop, close). */
  readonly events: SmtpEvent[] = [];
  /** The scripted failures; change them between sends if a test needs to. */
  faults: SmtpFaults;
  /** Connections accepted since the fixture started (not reset by `clear()`). */
  connections = 0;

  readonly #server: SMTPServer;
  readonly #options: SmtpFixtureOptions;
  readonly #ca: string | undefined;
  readonly #attempts: Record<SmtpStage, number> = { greeting: 0, mail: 0, rcpt: 0, data: 0 };
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Messages given a queue id so far. */
  #queued = 0;
  #waiters: { count: number; resolve: () => void }[] = [];
  /** The last MAIL or RCPT command line of each session, as the client sent it. */
  readonly #lastCommand = new Map<string, string>();
  /** Each session's current envelope in wire form (smtp-server turns IDNA A-labels into Unicode). */
  readonly #wire = new Map<string, { mailFrom: string; rcptTo: string[] }>();
  #closed: Promise<void> | undefined;

  /** @internal Use {@link startSmtpServer}. */
  constructor(server: SMTPServer, options: SmtpFixtureOptions, ca: string | undefined) {
    this.#server = server;
    this.#options = options;
    this.#ca = ca;
    this.faults = options.faults ?? {};
    const address = server.server.address() as AddressInfo;
    this.host = address.address;
    this.port = address.port;
  }

  /**
   * Resolves with the messages once at least `count` have arrived; rejects after `timeout`
   * milliseconds (default 2000) with an error that lists what did arrive.
   */
  async waitForMessages(count: number, { timeout = 2000 }: { timeout?: number } = {}): Promise<ReceivedMessage[]> {
    if (this.messages.length >= count) return this.messages;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `Expected ${count} message(s) within ${timeout} ms, got ${this.messages.length}${describeMessages(this.messages)}`,
          ),
        );
      }, timeout);
      this.#waiters.push(waiter);
    });
    return this.messages;
  }

  /** Forget the messages and events received so far (the connection count and scripted attempts stay). */
  clear(): void {
    this.messages.length = 0;
    this.events.length = 0;
  }

  /** Options for `@mail/backend-smtp` that reach this server: host, port, credentials, TLS mode and the CA to trust. */
  backendOptions(): SmtpFixtureBackendOptions {
    const options: SmtpFixtureBackendOptions = { host: this.host, port: this.port };
    const { auth, tls } = this.#options;
    if (auth) {
      options.username = auth.username;
      options.password = auth.password;
    }
    if (tls === 'starttls') options.useTls = true;
    if (tls === 'implicit') options.useSsl = true;
    if (this.#ca !== undefined) options.tlsOptions = { ca: this.#ca };
    return options;
  }

  /** Stop listening and cut every open connection (a hanging session included). Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#server.close(() => resolve());
      for (const connection of this.#server.connections) connection._socket.destroy();
    });
    return this.#closed;
  }

  /** `await using smtp = await startSmtpServer()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal The handlers smtp-server calls, and a logger that keeps MAIL and RCPT lines as sent. */
  static handlers(self: () => SmtpFixture): Partial<SMTPServerOptions> {
    const quiet = () => undefined;
    const logger = {
      trace: quiet,
      info: quiet,
      warn: quiet,
      error: quiet,
      fatal: quiet,
      debug: (entry: { tnx?: string; cid?: string; command?: string } | undefined, _format: unknown, line: unknown) => {
        // AUTH lines arrive redacted by smtp-server; only MAIL and RCPT are kept anyway.
        if (entry?.tnx === 'command' && entry.cid && (entry.command === 'MAIL' || entry.command === 'RCPT')) {
          self().#lastCommand.set(entry.cid, String(line));
        }
      },
    };
    return {
      logger: logger as never,
      onConnect: (session, callback) => {
        const fixture = self();
        fixture.connections++;
        fixture.#event({ type: 'connect', session: session.id });
        fixture.#answer('greeting', session, callback);
      },
      onSecure: (_socket, session, callback) => {
        self().#event({ type: 'secure', session: session.id });
        callback();
      },
      onAuth: (auth, session, callback) => {
        const fixture = self();
        const expected = fixture.#options.auth;
        const accepted =
          expected !== undefined && auth.username === expected.username && auth.password === expected.password;
        fixture.#event({ type: 'auth', session: session.id, username: auth.username, code: accepted ? 235 : 535 });
        if (accepted) callback(null, { user: auth.username });
        // RFC 4954 §6: 535 5.7.8 Authentication credentials invalid.
        else callback(replyError(535, 'Authentication credentials invalid'));
      },
      onMailFrom: (address, session, callback) => {
        const fixture = self();
        const wire = fixture.#wireAddress(session, address.address);
        const { tls, hideStartTls } = fixture.#options;
        if (tls === 'starttls' && !hideStartTls && !session.secure) {
          // RFC 3207 §4: a server may refuse MAIL until the client has negotiated TLS.
          fixture.#event({ type: 'mail', session: session.id, address: wire, code: 530 });
          callback(replyError(530, 'Must issue a STARTTLS command first'));
          return;
        }
        fixture.#answer('mail', session, callback, wire);
      },
      onRcptTo: (address, session, callback) => {
        const fixture = self();
        fixture.#answer('rcpt', session, callback, fixture.#wireAddress(session, address.address));
      },
      onData: (stream, session, callback) => {
        self().#onData(stream, session, callback);
      },
      onClose: (session) => {
        const fixture = self();
        fixture.#lastCommand.delete(session.id);
        fixture.#wire.delete(session.id);
        fixture.#event({ type: 'close', session: session.id });
      },
    };
  }

  #answer(stage: SmtpStage, session: SMTPServerSession, callback: Callback, address?: string): void {
    const sender = stage === 'rcpt' ? this.#wire.get(session.id)?.mailFrom : undefined;
    const action = decideFault(this.faults, stage, ++this.#attempts[stage], address, sender);
    this.#later(stage, () => {
      this.#apply(action, stage, session, callback, address);
    });
  }

  #apply(
    action: FaultAction,
    stage: SmtpStage,
    session: SMTPServerSession,
    callback: Callback,
    address?: string,
  ): void {
    const type = stage === 'greeting' ? null : stage;
    if (action.kind === 'drop' || action.kind === 'drop-after-content') {
      this.#event({ type: 'drop', session: session.id, stage, address });
      this.#socketOf(session)?.destroy();
      return;
    }
    if (action.kind === 'hang') return; // never answer; close() cuts the socket
    const code = action.kind === 'reject' ? action.code : 250;
    if (code === 250 && stage === 'mail') this.#wire.set(session.id, { mailFrom: address ?? '', rcptTo: [] });
    if (code === 250 && stage === 'rcpt') this.#wire.get(session.id)?.rcptTo.push(address ?? '');
    if (type) this.#event({ type, session: session.id, address, code });
    callback(action.kind === 'reject' ? replyError(action.code, action.message) : null);
    if (action.kind === 'reject' && action.close) {
      // The reply is written; then the channel closes, as a server that said 421 does.
      const socket = this.#socketOf(session);
      setImmediate(() => socket?.end());
    }
  }

  #onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: Callback): void {
    const attempt = ++this.#attempts.data;
    const chunks: Buffer[] = [];
    let dropped = false;
    const drop = () => {
      dropped = true;
      this.#event({ type: 'drop', session: session.id, stage: 'data' });
      this.#socketOf(session)?.destroy();
    };
    stream.on('data', (chunk: Buffer) => {
      // Cut the connection in the middle of the content, before any reply.
      if (chunks.length === 0 && !dropped && this.faults.dropAt === 'data') drop();
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (dropped) return;
      if (stream.sizeExceeded) {
        // RFC 1870 §6.3: 552 for a message over the declared SIZE.
        this.#event({ type: 'data', session: session.id, code: 552 });
        callback(replyError(552, `Message exceeds fixed maximum message size of ${this.#options.size} bytes`));
        return;
      }
      // Decided when the content is complete, so faults a test sets after the previous message
      // arrived apply to this one even when the client pipelined its commands.
      const action = decideFault(this.faults, 'data', attempt);
      if (action.kind === 'drop') {
        drop();
        return;
      }
      if (action.kind === 'hang') return;
      if (action.kind === 'reject') {
        this.#later('data', () => this.#apply(action, 'data', session, callback));
        return;
      }
      // The whole message arrived: recorded, then the connection drops before the reply to its final `.`.
      const reply: FaultAction = action.kind === 'drop-after-content' ? action : { kind: 'accept' };
      const raw = Buffer.concat(chunks);
      const queueId = `Q${(++this.#queued).toString(36).toUpperCase().padStart(6, '0')}`;
      // skipImageLinks: keep `cid:` references in `parsed.html` as sent (mailparser would rewrite
      // them to data: URLs, so `html: /cid:logo/` could never match).
      // mailparser keeps only text and html of a multipart/alternative: the other alternatives (a
      // calendar invite) are read from the same bytes, so the matchers see them as sent.
      Promise.all([simpleParser(raw, { skipImageLinks: true }), readAlternatives(raw)]).then(
        ([parsed, alternatives]) => {
          const { envelope } = session;
          const wire = this.#wire.get(session.id);
          this.messages.push({
            envelope: {
              mailFrom: wire?.mailFrom ?? (envelope.mailFrom ? envelope.mailFrom.address : ''),
              rcptTo: wire ? [...wire.rcptTo] : envelope.rcptTo.map((rcpt) => rcpt.address),
              smtpUtf8: Boolean(envelope.smtpUtf8),
              bodyType: envelope.bodyType ?? '7bit',
            },
            raw,
            parsed,
            alternatives,
            secure: session.secure,
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
            session: session.id,
            queueId,
          });
          this.#options.onMessage?.(this.messages[this.messages.length - 1]);
          this.#notify();
          // Recorded before the 250 goes out, so a test that awaited the send sees the message;
          // the reply waits a turn of the event loop so a test woken by waitForMessages() can
          // change the faults before the client moves on to its next message.
          setImmediate(() =>
            this.#later('data', () =>
              this.#apply(reply, 'data', session, (error) => callback(error, `OK: queued as ${queueId}`)),
            ),
          );
        },
        (error: Error) => callback(replyError(554, `Could not parse the message: ${error.message}`)),
      );
    });
  }

  /** The address as the client wrote it in its last MAIL/RCPT command (smtp-server's is Unicode-decoded). */
  #wireAddress(session: SMTPServerSession, parsed: string): string {
    const line = this.#lastCommand.get(session.id);
    const match = line === undefined ? null : /^\S+\s+\S+?:\s*<([^>]*)>/i.exec(line);
    return match ? match[1] : parsed;
  }

  #later(stage: SmtpStage, task: () => void): void {
    const ms = delayFor(this.faults, stage);
    if (ms <= 0) {
      task();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    this.#timers.add(timer);
  }

  #socketOf(session: SMTPServerSession): Socket | undefined {
    for (const connection of this.#server.connections) {
      if (connection.session === session || connection.id === session.id) return connection._socket;
    }
    return undefined;
  }

  #event(event: SmtpEvent): void {
    if (event.address === undefined) delete event.address;
    this.events.push(event);
  }

  #notify(): void {
    const ready = this.#waiters.filter((w) => this.messages.length >= w.count);
    this.#waiters = this.#waiters.filter((w) => this.messages.length < w.count);
    for (const waiter of ready) waiter.resolve();
  }
}
