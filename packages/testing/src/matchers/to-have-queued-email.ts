import { simpleParser } from 'mailparser';
import { readAlternatives } from '../smtp-fixture/alternatives.js';
import { describeOne } from './describe-sent.js';
import { fromReceivedMessage } from './from-received-message.js';
import { CRITERIA_KEYS, checkCriteria, formatCriteria, mismatches } from './match-criteria.js';
import { matchText } from './match-value.js';
import type { EmailCriteria, Matchable, MatcherContext, MatcherResult, SentEmail } from './types.js';

/**
 * A queued job as `@mail/backend-queue`'s `openQueue().jobs()` lists it (the matcher reads it
 * by shape: this package depends on no backend).
 */
export interface QueuedEntryLike {
  id: string;
  queue: string;
  state: string;
  deliverWith: string;
  envelope: { from: string; to: string[] };
  priority: number;
  /** How long it was to wait after being queued (ms). */
  delay: number;
  message: { message(): { asBytes(): Promise<Buffer> } };
}

/** What a queued message must look like: {@link EmailCriteria} and the job's own fields. */
export interface QueuedEmailCriteria extends EmailCriteria {
  /** The mailer a worker will send it through. */
  deliverWith?: Matchable;
  /** True: it may be sent only later (`deliverLater()` / a `delay`); false: at once. */
  delayed?: boolean;
  /** Its BullMQ priority (0: none). */
  priority?: number;
  /** The job's state, e.g. `'waiting'`, `'delayed'`, `'failed'`. */
  state?: Matchable;
}

const QUEUE_KEYS = ['deliverWith', 'delayed', 'priority', 'state'] as const;

/** Whether `value` is a queued job entry. */
export function isQueuedEntry(value: unknown): value is QueuedEntryLike {
  const v = value as QueuedEntryLike | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.queue === 'string' &&
    typeof v.deliverWith === 'string' &&
    typeof v.message?.message === 'function' &&
    Array.isArray(v.envelope?.to)
  );
}

/**
 * Passes when some queued job matches every criterion (with none: when anything is queued).
 * `received` is what `openQueue(...).jobs()` resolves to (or one entry). Asynchronous, since it
 * reads each job's bytes as a worker would send them: `await expect(jobs).toHaveQueuedEmail(…)`.
 * Queued is not sent: the outbox and SMTP matchers refuse queued jobs.
 *
 * @example
 * ```ts
 * const jobs = await queue.jobs();
 * await expect(jobs).toHaveQueuedEmail({ to: 'ann@example.com', subject: /welcome/i, delayed: true });
 * ```
 */
export async function toHaveQueuedEmail(
  this: MatcherContext,
  received: unknown,
  criteria?: QueuedEmailCriteria,
): Promise<MatcherResult> {
  const entries = Array.isArray(received) ? received : [received];
  const bad = entries.findIndex((e) => !isQueuedEntry(e));
  if (bad >= 0) {
    throw new TypeError(
      'toHaveQueuedEmail() takes the queued jobs, as `await openQueue({ redis }).jobs()` lists them; ' +
        `item ${bad + 1} is not one. For sent mail (the outbox, the SMTP fixture) use toHaveSentEmail().`,
    );
  }
  const emails = await Promise.all((entries as QueuedEntryLike[]).map(toQueuedEmail));
  if (criteria === undefined) {
    const pass = emails.length > 0;
    return {
      pass,
      message: () =>
        pass ? `Expected nothing queued. ${describeQueued(emails)}` : 'Expected an email to be queued, but none is.',
      actual: emails.length,
      expected: pass ? 0 : '>= 1',
    };
  }
  const { deliverWith, delayed, priority, state, ...rest } = criteria;
  const unknown = Object.keys(rest).filter((k) => !(CRITERIA_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new TypeError(
      `toHaveQueuedEmail(): unknown criteria ${unknown.join(', ')}; use ${[...CRITERIA_KEYS, ...QUEUE_KEYS].join(', ')}.`,
    );
  }
  checkCriteria(rest, 'toHaveQueuedEmail');
  const results = emails.map(({ email, entry }) => {
    const failed = mismatches(this, email, rest);
    if (deliverWith !== undefined && !matchText(this, entry.deliverWith, deliverWith)) failed.push('deliverWith');
    if (delayed !== undefined && entry.delay > 0 !== delayed) failed.push('delayed');
    if (priority !== undefined && entry.priority !== priority) failed.push('priority');
    if (state !== undefined && !matchText(this, entry.state, state)) failed.push('state');
    return failed;
  });
  const index = results.findIndex((failed) => failed.length === 0);
  const pass = index >= 0;
  const wanted = formatCriteria(criteria);
  return {
    pass,
    message: () => {
      if (pass) return `Expected no queued email matching ${wanted}, but job ${emails[index]!.entry.id} matches.`;
      const closest = results.reduce((best, failed, i) => (failed.length < results[best]!.length ? i : best), 0);
      const hint = emails.length
        ? `\nClosest is job ${emails[closest]!.entry.id}, which differs in: ${results[closest]!.join(', ')}.`
        : '';
      return `Expected a queued email matching ${wanted}.\n${describeQueued(emails)}${hint}`;
    },
    actual: emails.length,
    expected: criteria,
  };
}

interface QueuedEmail {
  email: SentEmail;
  entry: QueuedEntryLike;
}

/** A job in the matchers' shape: its bytes parsed as a receiving server would see them. */
async function toQueuedEmail(entry: QueuedEntryLike): Promise<QueuedEmail> {
  const raw = await entry.message.message().asBytes();
  // As the SMTP fixture reads what it receives.
  const [parsed, alternatives] = await Promise.all([
    simpleParser(raw, { skipImageLinks: true }),
    readAlternatives(raw),
  ]);
  const email = fromReceivedMessage({
    envelope: { mailFrom: entry.envelope.from, rcptTo: entry.envelope.to, smtpUtf8: false, bodyType: '7bit' },
    raw,
    parsed,
    alternatives,
    secure: false,
    session: entry.id,
  });
  return { email: { ...email, original: entry }, entry };
}

function describeQueued(emails: QueuedEmail[]): string {
  if (emails.length === 0) return 'Nothing is queued.';
  const lines = emails
    .slice(0, 10)
    .map(({ email, entry }) => `  job ${entry.id} (${entry.state}, via ${entry.deliverWith}): ${describeOne(email)}`);
  if (emails.length > 10) lines.push(`  … and ${emails.length - 10} more`);
  return `${emails.length} email${emails.length === 1 ? ' is' : 's are'} queued:\n${lines.join('\n')}`;
}
