import type { BackendCapabilities, BaseEmailBackend } from '@mail/core';
import { simpleParser } from 'mailparser';
import { startSmtpServer } from '../smtp-fixture/start-smtp-server.js';
import type { ConformanceEnv, ConformanceOptions, DeliveredMessage, Mailbox, MailboxMessage } from './types.js';

/** A started environment and how to tear it down. */
export interface OpenEnv {
  env: ConformanceEnv;
  dispose(): Promise<void>;
}

/**
 * Set up what one check needs: a fresh SMTP fixture, the mailbox flushed, a probe backend to
 * read its capabilities. `dispose()` closes every backend created and the fixture.
 */
export async function openEnv(options: ConformanceOptions): Promise<OpenEnv> {
  const smtp = await startSmtpServer(options.smtp);
  const ctx = { smtp };
  const backends: BaseEmailBackend[] = [];
  const create = async () => {
    const backend = await options.create(ctx);
    if (backend === null || typeof backend !== 'object' || typeof backend.sendMessages !== 'function') {
      throw new TypeError(
        'runBackendConformance(): create(ctx) must return a backend (an instance of BaseEmailBackend).',
      );
    }
    backends.push(backend);
    return backend;
  };
  const dispose = async () => {
    await Promise.allSettled(backends.map((b) => b.close()));
    await smtp.close();
  };
  try {
    const probe = await create();
    const capabilities: BackendCapabilities = { ...probe.capabilities, ...options.capabilities };
    const mailbox: Mailbox | undefined = typeof options.mailbox === 'function' ? options.mailbox(ctx) : options.mailbox;
    await mailbox?.flush();
    const delivered = async (): Promise<DeliveredMessage[]> => {
      if (!mailbox) {
        return smtp.messages.map(({ raw, parsed, envelope }) => ({
          raw,
          parsed,
          envelope: { mailFrom: envelope.mailFrom, rcptTo: envelope.rcptTo },
        }));
      }
      return Promise.all((await mailbox.read()).map(toDelivered));
    };
    return { env: { ctx, capabilities, viaSmtp: !mailbox, create, delivered }, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function toDelivered(message: MailboxMessage): Promise<DeliveredMessage> {
  const raw = message.raw === undefined ? undefined : Buffer.from(message.raw);
  if (!message.parsed && !raw) throw new TypeError('A mailbox message needs raw bytes or a parsed message.');
  const parsed = message.parsed ?? (await simpleParser(raw as Buffer));
  return { raw, parsed, envelope: message.envelope };
}
