import { tracingChannel } from 'node:diagnostics_channel';
import type { SendEvent } from '@mail/core';

/** What a subscriber to `mail:send` saw: one entry per channel event, in order. */
export interface Seen {
  kind: 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';
  subject: string;
  event: SendEvent;
}

/** Subscribe to the `mail:send` tracing channel for one test; `using` unsubscribes. */
export function recordSends(): { seen: Seen[]; ends(): SendEvent[]; [Symbol.dispose](): void } {
  const seen: Seen[] = [];
  const channel = tracingChannel<unknown, SendEvent>('mail:send');
  const on = (kind: Seen['kind']) => (event: SendEvent) => {
    seen.push({ kind, subject: event.message.subject, event });
  };
  const handlers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  };
  channel.subscribe(handlers);
  return {
    seen,
    ends: () => seen.filter((s) => s.kind === 'asyncEnd').map((s) => s.event),
    [Symbol.dispose]: () => channel.unsubscribe(handlers),
  };
}
