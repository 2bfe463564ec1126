import { outbox } from '@mail/backend-locmem';
import { EmailBackend as SmtpBackend } from '@mail/backend-smtp';
import { configure, EmailMessage, onBeforeSend, resetSettings, SendError, sendMail } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instrumentMail } from '../src/instrument-mail.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
let stop: () => void;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  stop = instrumentMail({ tracer });
});
afterAll(async () => {
  stop();
  context.disable();
  await provider.shutdown();
});
beforeEach(() => {
  exporter.reset();
  outbox.length = 0;
});
afterEach(() => resetSettings());

/** Spans end on the channel's asyncEnd, a microtask after the send settles. */
const settled = () => new Promise((r) => setImmediate(r));

describe('instrumentMail', () => {
  it('a send through a locmem mailer is one CLIENT span, a child of the caller’s span', async () => {
    configure({ mailers: { default: { backend: 'locmem' } } });
    await tracer.startActiveSpan('POST /signup', async (parent) => {
      await sendMail({ subject: 'Welcome', message: 'Hello', recipientList: ['new@example.org'] });
      parent.end();
    });
    await settled();
    const spans = exporter.getFinishedSpans();
    const mail = spans.find((s) => s.name === 'mail send locmem')!;
    const parent = spans.find((s) => s.name === 'POST /signup')!;
    expect(mail.kind).toBe(SpanKind.CLIENT);
    expect(mail.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(mail.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(mail.attributes).toMatchObject({ 'mail.backend': 'locmem', 'mail.mailer': 'default', 'mail.accepted': 1 });
    expect(mail.attributes['mail.message_id']).toMatch(/^<.+>$/);
    expect(mail.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(outbox).toHaveLength(1);
  });

  it('over a real SMTP server: a delivered span and a failed one with the exception', async () => {
    await using smtp = await startSmtpServer({ faults: { rejectRecipients: { 'gone@example.org': 550 } } });
    const backend = new SmtpBackend(smtp.backendOptions());
    const message = (to: string) =>
      new EmailMessage({ subject: 'Invoice', body: 'x', fromEmail: 'a@example.com', to: [to] });
    expect(await backend.sendMessages([message('ok@example.org')])).toBe(1);
    await expect(backend.sendMessages([message('gone@example.org')])).rejects.toThrow(SendError);
    await settled();
    const [ok, failed] = exporter.getFinishedSpans();
    expect(ok.name).toBe('mail send smtp');
    expect(ok.attributes['mail.message_id']).toBe(smtp.messages[0].parsed.messageId);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.status.message).toMatch(/550/);
    expect(failed.attributes['mail.error.code']).toBe('MAIL_SEND_FAILED');
    expect(failed.events.map((e) => e.name)).toContain('exception');
  });

  it('a message a hook cancels is a span marked cancelled; nothing is kept', async () => {
    configure({ mailers: { default: { backend: 'locmem' } } });
    const off = onBeforeSend(() => false);
    try {
      expect(await sendMail({ subject: 'No', message: 'x', recipientList: ['a@example.org'] })).toBe(0);
    } finally {
      off();
    }
    await settled();
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes).toMatchObject({ 'mail.cancelled': true, 'mail.accepted': 0 });
    expect(outbox).toHaveLength(0);
  });

  it('after stop() no span is made', async () => {
    const local = instrumentMail({ tracer: trace.getTracer('unused') });
    local();
    configure({ mailers: { default: { backend: 'locmem' } } });
    stop();
    try {
      await sendMail({ subject: 'quiet', message: 'x', recipientList: ['a@example.org'] });
      await settled();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    } finally {
      stop = instrumentMail({ tracer });
    }
  });
});
