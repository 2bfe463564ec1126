import {
  type BaseEmailBackend,
  ConfigurationError,
  type EmailUrlGroup,
  getConnection,
  getSettings,
  MailerDoesNotExist,
  mailers,
  parseEmailUrlBackend,
} from '@mail/core';

/** A member of a failover or round-robin backend: another mailer, or a backend named by a URL. */
export interface Member {
  /** How errors and reports name it: `"alias"`, or its URL with the password masked. */
  readonly name: string;
  /** Its health's key in this process; a new configuration of the member is a new key. */
  readonly key: string;
  /** A new backend for it, which never fails silently (its failures are what fails over). */
  build(): Promise<BaseEmailBackend>;
}

/** Which members failed, until when: one record per process, shared by every backend built over them. */
interface State {
  downUntil: Map<string, number>;
  /** The next member of each round-robin set (keyed by its members' keys). */
  cursors: Map<string, number>;
  /** A number for each mailers entry object, so a reconfigured member starts healthy. */
  entryIds: WeakMap<object, number>;
  nextId: number;
}

const STATE_KEY = Symbol.for('@mail/backend-failover.state');

/** The process's state, shared by the ESM and CJS copies of this package. */
export function state(): State {
  const holder = globalThis as { [STATE_KEY]?: State };
  holder[STATE_KEY] ??= { downUntil: new Map(), cursors: new Map(), entryIds: new WeakMap(), nextId: 1 };
  return holder[STATE_KEY];
}

/** Members named by mailer aliases, checked now: each must exist, and none may be the failover's own alias. */
export function membersOfAliases(aliases: unknown, own: string | null, where: string): Member[] {
  if (!Array.isArray(aliases) || aliases.length === 0 || aliases.some((a) => typeof a !== 'string' || a === '')) {
    throw new ConfigurationError(
      `${where}: "mailers" must be a non-empty list of mailer aliases, e.g. mailers: ['primary', 'backup'].`,
    );
  }
  if (new Set(aliases).size !== aliases.length)
    throw new ConfigurationError(`${where}: "mailers" names a mailer twice (${aliases.join(', ')}).`);
  return aliases.map((alias: string) => {
    if (alias === own)
      throw new ConfigurationError(`${where}: "mailers" names the failover mailer itself ("${alias}").`);
    if (!mailers.has(alias)) {
      throw new MailerDoesNotExist(
        `${where}: member "${alias}" is not a mailer. Defined mailers: ${mailers.aliases().join(', ') || 'none'}.`,
      );
    }
    const entry = getSettings().mailers![alias]!;
    const ids = state().entryIds;
    if (!ids.has(entry)) ids.set(entry, state().nextId++);
    return {
      name: `"${alias}"`,
      key: `mailer:${ids.get(entry)}`,
      build: () => mailers.get(alias, { failSilently: false }),
    };
  });
}

/** Members named by the URLs of `failover(URL URL …)`; a member takes no retry but its own `?retry=`. */
export function membersOfUrls(group: EmailUrlGroup, source: string): Member[] {
  return group.members.map((url, i) => {
    const { backend, options } = parseEmailUrlBackend(url, `${source} member ${i + 1}`);
    return {
      name: group.shown[i]!,
      key: `url:${url}`,
      build: () => getConnection(backend, { retry: null, ...options, failSilently: false }),
    };
  });
}

/** Whether a member is in its `retryAfter` window now. */
export function isDown(member: Member, now = Date.now()): boolean {
  return (state().downUntil.get(member.key) ?? 0) > now;
}

/** Mark a member failed: it is skipped for `retryAfter` seconds. */
export function markDown(member: Member, retryAfter: number): void {
  state().downUntil.set(member.key, Date.now() + retryAfter * 1000);
}

/** Mark a member healthy again (it delivered). */
export function markUp(member: Member): void {
  state().downUntil.delete(member.key);
}

/**
 * The members in the order to try them: those not in their `retryAfter` window first (in
 * `order`), then the failed ones, the one that failed longest ago first (none is ever left out:
 * when every member failed lately, they are all tried again rather than failing unheard).
 */
export function candidates(order: readonly Member[]): Member[] {
  const now = Date.now();
  const up = order.filter((m) => !isDown(m, now));
  const down = order.filter((m) => isDown(m, now));
  const until = state().downUntil;
  down.sort((a, b) => until.get(a.key)! - until.get(b.key)!);
  return [...up, ...down];
}
