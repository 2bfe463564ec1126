import { HookError } from '../errors.js';
import { type SendEvent, sendChannel } from '../events/send-events.js';
import { hasHooks, hooksFor } from '../events/send-hooks.js';
import type { DeliveryReport } from '../message/delivery-report.js';
import type { EmailMessage } from '../message/email-message.js';
import { droppedOf } from './prepare-message.js';
import type { PreparedMessage } from './types.js';

/** What the base contract tells about each message of a batch it runs under {@link observeSend}. */
export interface SendObserver {
  /** The backend delivered it. */
  delivered(prepared: PreparedMessage): void;
  /** It failed; `error` is what the caller sees (or would, without `failSilently`). */
  failed(prepared: PreparedMessage, error: unknown): void;
  /** The sandbox left it with no recipient: not sent. */
  dropped(prepared: PreparedMessage): void;
}

/** Whether a send must go through {@link observeSend}: someone subscribes to the channel, or a hook is registered. */
export function isObserved(): boolean {
  return sendChannel.hasSubscribers || hasHooks();
}

/**
 * A readable name for a backend: its class's static `backendName` (the built-in backends say
 * 'smtp', 'locmem', …), else the class name.
 */
export function backendLabel(backend: object): string {
  const ctor = backend.constructor as { backendName?: unknown; name?: string };
  return typeof ctor.backendName === 'string' ? ctor.backendName : ctor.name || 'backend';
}

type State = 'pending' | 'sent' | 'failed' | 'cancelled' | 'dropped';

/** One message of an observed batch: its event (the channel's context) and, when traced, its span. */
class ObservedSend {
  readonly event: SendEvent;
  state: State = 'pending';
  #settle: { resolve(delivery: DeliveryReport): void; reject(error: unknown): void } | undefined;

  constructor(event: SendEvent, traced: boolean) {
    this.event = event;
    if (!traced) return;
    // tracePromise publishes start and end now and asyncStart/asyncEnd (after error, on failure)
    // when the promise settles, which is when the backend reports this message.
    sendChannel
      .tracePromise(
        () =>
          new Promise<DeliveryReport>((resolve, reject) => {
            this.#settle = { resolve, reject };
          }),
        event,
      )
      .catch(() => undefined); // the failure reaches the caller through sendMessages(), not here
  }

  resolve(state: 'sent' | 'cancelled' | 'dropped', delivery: DeliveryReport): void {
    if (this.state !== 'pending') return;
    this.state = state;
    this.event.delivery = delivery;
    if (state !== 'sent' && isMessage(this.event.message)) this.event.message.delivery = delivery;
    this.#settle?.resolve(delivery);
  }

  reject(error: unknown): void {
    if (this.state !== 'pending') return;
    this.state = 'failed';
    this.event.error = error;
    this.#settle?.reject(error);
  }
}

/** The report the base contract wrote on the message (`message.delivery`), else one from what is known. */
function reportOf(prepared: PreparedMessage, event: SendEvent): DeliveryReport {
  if (prepared.message.delivery) return prepared.message.delivery;
  return {
    messageId: prepared.mime.getHeader('Message-ID') ?? '',
    accepted: [...prepared.envelope.to],
    rejected: droppedOf(prepared),
    response: null,
    mailer: event.mailer,
    backend: event.backend,
    attempts: 1,
  };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isMessage(value: unknown): value is EmailMessage {
  return value !== null && typeof value === 'object' && typeof (value as EmailMessage).message === 'function';
}

/**
 * Run a batch with its events and hooks: publish each message on the `mail:send` tracing channel
 * (when someone subscribes), run the before-send hooks (which may replace or cancel a message),
 * send what is left with `send`, then run the after-send and after-failure hooks. Resolves to
 * the number delivered; a hook that throws is reported as a {@link HookError}, never swallowed.
 */
export async function observeSend(
  backend: { readonly alias: string | null },
  list: EmailMessage[],
  send: (messages: EmailMessage[], observer: SendObserver) => Promise<number>,
): Promise<number> {
  const mailer = backend.alias;
  const name = backendLabel(backend);
  const traced = sendChannel.hasSubscribers;
  const sends = list.map((message) => new ObservedSend({ message, mailer, backend: name }, traced));

  const before = hooksFor('onBeforeSend', mailer);
  const going: ObservedSend[] = before.length === 0 ? sends : [];
  for (const [index, one] of before.length === 0 ? [] : sends.entries()) {
    let verdict: unknown;
    for (const hook of before) {
      try {
        verdict = await hook(one.event);
      } catch (error) {
        const hookError = new HookError(
          `An onBeforeSend hook threw for message ${index + 1} of ${sends.length}; nothing of the batch was sent: ${reason(error)}`,
          { cause: error, hook: 'onBeforeSend', sent: 0 },
        );
        for (const s of sends) s.reject(hookError);
        throw hookError;
      }
      if (verdict === false) break;
      if (isMessage(verdict)) one.event.message = verdict;
    }
    if (verdict === false) {
      const user = one.event.message.headers?.['Message-ID'];
      one.resolve('cancelled', {
        messageId: typeof user === 'string' ? user : '',
        accepted: [],
        rejected: [],
        response: null,
        mailer,
        backend: name,
        attempts: 0,
        cancelled: true,
      });
    } else going.push(one);
  }

  const observer: SendObserver = {
    delivered: (p) => going[p.index]?.resolve('sent', reportOf(p, going[p.index]!.event)),
    failed: (p, error) => going[p.index]?.reject(error),
    dropped: (p) => going[p.index]?.resolve('dropped', reportOf(p, going[p.index]!.event)),
  };
  let sent = 0;
  let failure: { error: unknown } | undefined;
  try {
    sent =
      going.length === 0
        ? 0
        : await send(
            going.map((s) => s.event.message),
            observer,
          );
  } catch (error) {
    failure = { error };
  }
  // What the backend never reported (the batch stopped at a failure, or a backend forgot one)
  // still ends, as a failure: a subscriber sees every send end.
  let unreported = failure?.error;
  for (const s of going) {
    if (s.state !== 'pending') continue;
    unreported ??= new Error(`${name} reported neither delivery nor failure for this message`);
    s.reject(unreported);
  }

  const thrown = hasHooks() ? await runAfterHooks(sends, mailer) : undefined;
  if (failure) {
    if (thrown && failure.error instanceof Error)
      failure.error.message += `; and an ${thrown.kind} hook threw: ${reason(thrown.error)}`;
    throw failure.error;
  }
  if (thrown) {
    throw new HookError(
      `An ${thrown.kind} hook threw for message ${thrown.index + 1} of ${sends.length}: ${reason(thrown.error)} ` +
        `(${sent} of ${sends.length} messages were sent: do not send them again)`,
      { cause: thrown.error, hook: thrown.kind, sent },
    );
  }
  return sent;
}

/** The after-send and after-failure hooks, in message order; the first that throws is reported, the others still run. */
async function runAfterHooks(
  sends: ObservedSend[],
  mailer: string | null,
): Promise<{ kind: 'onSent' | 'onFailed'; index: number; error: unknown } | undefined> {
  const hooks: Record<'onSent' | 'onFailed', ReturnType<typeof hooksFor>> = {
    onSent: hooksFor('onSent', mailer),
    onFailed: hooksFor('onFailed', mailer),
  };
  let first: { kind: 'onSent' | 'onFailed'; index: number; error: unknown } | undefined;
  for (const [index, one] of sends.entries()) {
    const kind = one.state === 'sent' ? 'onSent' : one.state === 'failed' ? 'onFailed' : null;
    if (kind === null) continue;
    for (const hook of hooks[kind]) {
      try {
        await hook(one.event);
      } catch (error) {
        first ??= { kind, index, error };
      }
    }
  }
  return first;
}
