/**
 * OpenTelemetry spans for every mail @mail sends, from its `mail:send` tracing channel: one
 * CLIENT span per message, a child of whatever span is active where `sendMessages()` /
 * `sendMail()` was called, ended when the backend reports the message (delivered, failed or
 * cancelled by a hook). Nothing here knows a backend: the channel is published by the base
 * contract, so smtp, locmem and third-party backends all show.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import type { SendEvent } from '@mail/core';
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

export interface InstrumentMailOptions {
  /** The tracer to start spans with; the global provider's `@mail/example-opentelemetry` tracer by default. */
  tracer?: Tracer;
}

/**
 * Subscribe to `mail:send` and turn each send into a span. Returns a function that unsubscribes.
 *
 * @example
 * ```ts
 * const stop = instrumentMail();
 * await sendMail({ subject: 'Hi', message: 'Hello', recipientList: ['to@example.com'] });
 * stop();
 * ```
 */
export function instrumentMail({
  tracer = trace.getTracer('@mail/example-opentelemetry'),
}: InstrumentMailOptions = {}): () => void {
  const spans = new WeakMap<SendEvent, Span>();
  const channel = tracingChannel<unknown, SendEvent>('mail:send');
  const handlers = {
    // `start` runs synchronously inside the caller's sendMessages(), so context.active() is the caller's span.
    start(event: SendEvent) {
      const span = tracer.startSpan(
        `mail send ${event.backend}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'mail.backend': event.backend,
            ...(event.mailer === null ? {} : { 'mail.mailer': event.mailer }),
            'mail.subject.length': event.message.subject.length,
            'mail.recipients': event.message.to.length + event.message.cc.length + event.message.bcc.length,
          },
        },
        context.active(),
      );
      spans.set(event, span);
    },
    end() {},
    asyncStart() {},
    error(event: SendEvent) {
      const span = spans.get(event);
      if (!span) return;
      const error = event.error instanceof Error ? event.error : new Error(String(event.error));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string') span.setAttribute('mail.error.code', code);
    },
    asyncEnd(event: SendEvent) {
      const span = spans.get(event);
      if (!span) return;
      spans.delete(event);
      const delivery = event.delivery;
      if (delivery) {
        if (delivery.messageId) span.setAttribute('mail.message_id', delivery.messageId);
        span.setAttribute('mail.accepted', delivery.accepted.length);
        span.setAttribute('mail.rejected', delivery.rejected.length);
        if (delivery.cancelled) span.setAttribute('mail.cancelled', true);
        if (delivery.response) span.setAttribute('mail.response', delivery.response);
      }
      span.end();
    },
  };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}
