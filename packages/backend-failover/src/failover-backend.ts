import {
  type BackendCapabilities,
  type BackendOptions,
  BaseEmailBackend,
  type CommonBackendOptions,
  ConfigurationError,
  type DeliveryOutcome,
  type DeliveryReport,
  MailError,
  type PreparedMessage,
  parseEmailUrlGroup,
  SendError,
} from '@mail/core';
import { allMembersFailed, type MemberFailure } from './failover-error.js';
import { candidates, type Member, markDown, markUp, membersOfAliases, membersOfUrls, state } from './members.js';

/** Options of the failover and round-robin backends. */
export type FailoverBackendOptions = CommonBackendOptions & {
  /**
   * The members: aliases of other mailers of the `mailers` setting, tried in order (failover) or
   * in turn (round-robin). Without it, the members are the URLs of
   * `EMAIL_URL='failover(smtp://a.example:587 smtp://b.example:587)'`.
   */
  mailers?: readonly string[];
  /** Seconds a member that failed is skipped before it is tried again. Default 60. */
  retryAfter?: number;
};

/** Options a group backend refuses: they belong on the members, which build and send the messages. */
const MEMBER_ONLY = ['dkim', 'redirectTo', 'allowedRecipients'] as const;

/** A `SendError`, or anything a backend that is not ours threw: a delivery failure, which fails over. */
function isDeliveryFailure(error: unknown): boolean {
  return error instanceof SendError || !(error instanceof MailError);
}

/**
 * What a failover and a round-robin backend share: members (other mailers, or the URLs of
 * `failover(…)`), a member that failed skipped for `retryAfter` seconds, a message that one
 * member failed handed to the next, every member's failure named when all fail.
 */
abstract class MemberGroupBackend extends BaseEmailBackend {
  static override readonly optionNames: readonly string[] = ['mailers', 'retryAfter'];

  override readonly capabilities: BackendCapabilities = { delivers: true, keepsConnection: true };

  /** The members, as errors name them: `"alias"` or the URL (password masked). */
  readonly members: readonly string[];
  /** Seconds a member that failed is skipped. */
  readonly retryAfter: number;

  /** Members in their configured order. */
  protected readonly group: readonly Member[];
  /** Backends of the members used since `open()`, kept open until `close()`. */
  readonly #open = new Map<Member, BaseEmailBackend>();
  #session = false;

  constructor(options: FailoverBackendOptions = {}) {
    super(options as BackendOptions);
    const kind = (this.constructor as { backendName?: string }).backendName ?? 'failover';
    const where = this.alias === null ? `The ${kind} backend` : `Mailer "${this.alias}" (${kind})`;
    for (const option of MEMBER_ONLY) {
      if (options[option] !== undefined) {
        throw new ConfigurationError(
          `${where}: set "${option}" on each member mailer; a ${kind} backend hands the messages to its members as they are.`,
        );
      }
    }
    let retryAfter = options.retryAfter;
    if (options.mailers !== undefined) this.group = membersOfAliases(options.mailers, this.alias, where);
    else {
      const url = this.settingDefaults().emailUrl;
      const parsed = typeof url === 'string' ? parseEmailUrlGroup(url, 'emailUrl') : null;
      if (parsed === null) {
        throw new ConfigurationError(
          `${where} needs members: mailers: ['primary', 'backup'] (aliases of the "mailers" setting), ` +
            `or EMAIL_URL='${kind}(smtp://a.example:587 smtp://b.example:587)'.`,
        );
      }
      this.group = membersOfUrls(parsed, 'emailUrl');
      retryAfter ??= parsed.retryAfter ?? undefined;
    }
    retryAfter ??= 60;
    if (typeof retryAfter !== 'number' || !Number.isFinite(retryAfter) || retryAfter < 0) {
      throw new ConfigurationError(
        `${where}: "retryAfter" must be a number of seconds, 0 or more; got ${String(retryAfter)}.`,
      );
    }
    this.retryAfter = retryAfter;
    this.members = this.group.map((m) => m.name);
  }

  /** The members in the order to try for the next message. */
  protected abstract order(): Member[];
  /** A member delivered: round-robin moves on from it. */
  protected chose(_member: Member): void {}
  /** Whether each message is a run of its own (round-robin) or the rest of the batch goes to one member (failover). */
  protected abstract readonly oneByOne: boolean;

  /** Start a session: the members are opened as they are used, and stay open until `close()`. */
  override async open(): Promise<boolean> {
    if (this.#session) return false;
    this.#session = true;
    return true;
  }

  /** Close every member opened since `open()`. */
  override async close(): Promise<void> {
    this.#session = false;
    const opened = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(opened.map((backend) => backend.close()));
  }

  protected override async deliver(batch: PreparedMessage[], outcome: DeliveryOutcome): Promise<void> {
    // A message without recipients is not sent and not counted (Django); no member would take it.
    let rest = batch.filter((p) => p.envelope.to.length > 0);
    /** What each member tried for the first message of `rest` failed with. */
    let failures: (MemberFailure & { by: Member })[] = [];
    while (rest.length > 0) {
      const head = rest[0]!;
      const member = this.order().find((m) => !failures.some((f) => f.by === m));
      if (member === undefined) {
        outcome.failed(head, allMembersFailed(failures.map(({ member, error }) => ({ member, error }))));
        rest = rest.slice(1);
        failures = [];
        continue;
      }
      const list = this.oneByOne ? [head] : rest;
      const { delivered, error } = await this.#tryMember(member, list);
      for (const p of delivered) outcome.delivered(p, { report: withTries(p.message.delivery!, failures.length) });
      if (delivered.length > 0) this.chose(member);
      const settled = new Set<PreparedMessage>(delivered);
      if (error === undefined) {
        markUp(member);
        // What it neither delivered nor failed, it skipped (its own allowedRecipients): not counted.
        for (const p of list) settled.add(p);
      } else {
        if (!isDeliveryFailure(error)) throw error; // bad input and configuration never fail over
        markDown(member, this.retryAfter);
        // The server may have that message: another member would send it twice.
        const index = (error as { messageIndex?: unknown }).messageIndex;
        const failedOne = typeof index === 'number' ? list[index] : undefined;
        if (failedOne && (error as { maybeDelivered?: unknown }).maybeDelivered === true) {
          settled.add(failedOne);
          outcome.failed(failedOne, error, { report: failedOne.message.delivery });
        }
      }
      rest = rest.filter((p) => !settled.has(p));
      if (rest[0] !== head) failures = [];
      else if (error !== undefined) failures.push({ member: member.name, error, by: member });
    }
  }

  /** Hand `list` to a member; which messages it delivered (its reports say), and what it failed with. */
  async #tryMember(
    member: Member,
    list: readonly PreparedMessage[],
  ): Promise<{ delivered: PreparedMessage[]; error: unknown }> {
    for (const p of list) p.message.delivery = null;
    let error: unknown;
    try {
      let backend = this.#open.get(member);
      if (backend === undefined) {
        backend = await member.build();
        await backend.open();
        this.#open.set(member, backend);
      }
      await backend.sendMessages(list.map((p) => p.message));
    } catch (caught) {
      error = caught ?? new SendError(`${member.name} failed without a reason`);
    }
    const delivered = list.filter((p) => (p.message.delivery?.accepted.length ?? 0) > 0);
    return { delivered, error };
  }
}

/** A member's report, counting the members that failed the message before it as attempts. */
function withTries(report: DeliveryReport, failedTries: number): DeliveryReport {
  return failedTries === 0 ? report : { ...report, attempts: report.attempts + failedTries };
}

/**
 * Sends through the first of its members (other mailers) that works, as Symfony's and Laravel's
 * failover transports: a member that fails with a delivery error (a `SendError`, whatever its
 * backend throws underneath) hands the message and the rest of the batch to the next, and is
 * skipped for `retryAfter` seconds (by every failover backend of the process), then tried
 * first again. Bad input (`BadHeaderError`, `InvalidAddressError`) never fails over. When every
 * member fails for a message, its `FailoverError` names each member and its failure. A message
 * the server may already have (`maybeDelivered`) is never handed to another member.
 *
 * @example
 * ```ts
 * configure({ mailers: {
 *   primary: { backend: 'smtp', options: { host: 'smtp.provider-a.example', port: 587, useTls: true } },
 *   backup: { backend: 'smtp', options: { host: 'smtp.provider-b.example', port: 587, useTls: true } },
 *   default: { backend: 'failover', options: { mailers: ['primary', 'backup'], retryAfter: 60 } },
 * } });
 * await sendMail({ subject, message, fromEmail: null, recipientList }); // through primary, or backup
 * ```
 */
export class FailoverBackend extends MemberGroupBackend {
  /** The name in send events and delivery reports (a report names the member that delivered). */
  static override readonly backendName: string = 'failover';
  protected readonly oneByOne = false;

  protected order(): Member[] {
    return candidates(this.group);
  }
}

/**
 * Sends each message through the next of its members in turn (starting at a random one, the
 * turn shared by every round-robin backend over the same members in the process), so messages
 * spread evenly; a member that fails is skipped for `retryAfter` seconds and its message goes to
 * the next, as with {@link FailoverBackend}.
 *
 * @example
 * ```ts
 * configure({ mailers: {
 *   a: { options: { host: 'mx1.example' } }, b: { options: { host: 'mx2.example' } },
 *   default: { backend: 'roundrobin', options: { mailers: ['a', 'b'] } },
 * } });
 * ```
 */
export class RoundRobinBackend extends MemberGroupBackend {
  /** The name in send events and delivery reports (a report names the member that delivered). */
  static override readonly backendName: string = 'roundrobin';
  protected readonly oneByOne = true;
  readonly #key = this.group.map((m) => m.key).join(' ');

  protected order(): Member[] {
    const cursors = state().cursors;
    let start = cursors.get(this.#key);
    if (start === undefined) {
      start = Math.floor(Math.random() * this.group.length);
      cursors.set(this.#key, start);
    }
    return candidates([...this.group.slice(start), ...this.group.slice(0, start)]);
  }

  protected override chose(member: Member): void {
    state().cursors.set(this.#key, (this.group.indexOf(member) + 1) % this.group.length);
  }
}
