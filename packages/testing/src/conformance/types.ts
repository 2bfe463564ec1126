import type { BackendCapabilities, BaseEmailBackend, EmailMessage } from '@mail/core';
import type { ParsedMail } from 'mailparser';
import type { SmtpFixture } from '../smtp-fixture/smtp-fixture.js';
import type { SmtpFixtureOptions } from '../smtp-fixture/types.js';

/** What `create` receives: a started SMTP fixture, fresh for each check. */
export interface ConformanceContext {
  smtp: SmtpFixture;
}

/** A message read back from where a backend delivered it. Give `raw`, `parsed` or both. */
export interface MailboxMessage {
  raw?: Buffer | string;
  parsed?: ParsedMail;
  /** The envelope, when the backend records one (the envelope checks use it). */
  envelope?: { mailFrom: string; rcptTo: string[] };
}

/** Reads back what a backend that does not speak SMTP delivered (a directory, a stream, an array). */
export interface Mailbox {
  /** Everything delivered since the last `flush()`, in order. */
  read(): MailboxMessage[] | Promise<MailboxMessage[]>;
  /** Forget what was delivered so far; called before each check. */
  flush(): void | Promise<void>;
}

/** Options of {@link runBackendConformance}. */
export interface ConformanceOptions {
  /** A title for the suite (default: the backend's class name). */
  name?: string;
  /** A fresh backend for this context; an SMTP backend points it at `ctx.smtp.backendOptions()`. */
  create(ctx: ConformanceContext): BaseEmailBackend | Promise<BaseEmailBackend>;
  /** Where to read delivered messages; without it they are read from `ctx.smtp`. */
  mailbox?: Mailbox | ((ctx: ConformanceContext) => Mailbox);
  /** Options of the SMTP fixture each check starts (e.g. `{ tls: 'starttls', auth }`). */
  smtp?: SmtpFixtureOptions;
  /** Override what the backend's `capabilities` declare. */
  capabilities?: Partial<BackendCapabilities>;
}

/** A delivered message, parsed. */
export interface DeliveredMessage {
  raw: Buffer | undefined;
  parsed: ParsedMail;
  envelope: { mailFrom: string; rcptTo: string[] } | undefined;
}

/** What a check gets: a way to create backends and to read back what they delivered. */
export interface ConformanceEnv {
  ctx: ConformanceContext;
  capabilities: BackendCapabilities;
  /** True when delivered messages are read from the SMTP fixture (no mailbox given). */
  viaSmtp: boolean;
  /** A fresh backend; closed after the check. */
  create(): Promise<BaseEmailBackend>;
  /** Everything delivered since the check began, parsed. */
  delivered(): Promise<DeliveredMessage[]>;
}

/** A check: resolves when the backend behaves, throws an `AssertionError` saying what is wrong otherwise. */
export type ConformanceCheck = (env: ConformanceEnv) => Promise<void>;

/** A group of checks and the capabilities it needs. */
export interface ConformanceGroup {
  name: string;
  /** Whether the group applies to a backend with these capabilities. */
  appliesTo(capabilities: BackendCapabilities, env: { viaSmtp: boolean }): boolean;
  checks: Record<string, ConformanceCheck>;
}

/** Re-exported for check authors. */
export type { EmailMessage };
