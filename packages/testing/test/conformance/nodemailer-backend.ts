import { type BackendCapabilities, BaseEmailBackend, type PreparedMessage } from '@mail/core';
import type { SmtpFixtureBackendOptions } from '@mail/testing';
import nodemailer from 'nodemailer';

/**
 * A minimal SMTP backend over nodemailer's pooled transport (one connection), so the suite's
 * SMTP-only groups (failSilently, connection reuse) are exercised against a correct backend.
 */
export class NodemailerBackend extends BaseEmailBackend {
  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: true };
  #transport: ReturnType<typeof nodemailer.createTransport> | undefined;
  constructor(private readonly options: SmtpFixtureBackendOptions) {
    super();
  }
  override async open(): Promise<boolean> {
    if (this.#transport) return false;
    this.#transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      host: this.options.host,
      port: this.options.port,
      ignoreTLS: true,
      connectionTimeout: 2000,
      maxRequeues: 0, // report a dropped connection at once instead of retrying
    });
    return true;
  }
  override async close(): Promise<void> {
    this.#transport?.close();
    this.#transport = undefined;
  }
  protected override async deliverOne({ mime, envelope }: PreparedMessage): Promise<void> {
    if (!this.#transport) throw new Error('not open');
    await this.#transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw: await mime.asBytes() });
  }
}
