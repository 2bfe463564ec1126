import { SendError, type SendErrorOptions } from '@mail/core';

/** One member's failure, as {@link FailoverError} lists it. */
export interface MemberFailure {
  /** The member: its mailer alias, or its URL (password masked). */
  member: string;
  /** What it failed with (a `SendError` from its backend, whatever that backend throws underneath). */
  error: unknown;
}

/** Options of {@link FailoverError}, beyond those of `SendError`. */
export interface FailoverErrorOptions extends SendErrorOptions {
  failures: readonly MemberFailure[];
}

/**
 * Every member of a failover or round-robin backend failed for a message. The message names
 * each member and its failure; `failures` lists them, in the order they were tried. `transient`
 * is true when every failure was (a later try may find a member back).
 *
 * @example
 * ```ts
 * import { FailoverError } from '@mail/backend-failover';
 * try { await sendMail({ … }); } catch (error) {
 *   if (error instanceof FailoverError) for (const f of error.failures) log.warn(f.member, String(f.error));
 * }
 * ```
 */
export class FailoverError extends SendError {
  /** Stable across bundlers and across copies of the package (see docs/errors.md). */
  static override readonly errorName: string = 'FailoverError';
  /** Each member tried and what it failed with. */
  readonly failures: readonly MemberFailure[];

  constructor(message: string, options: FailoverErrorOptions) {
    super(message, options);
    this.failures = [...options.failures];
  }
}

/** The error for a message every member failed: each member named with its failure. */
export function allMembersFailed(failures: readonly MemberFailure[]): FailoverError {
  // Each member's own batch context ("Message 1 of 1 (to …) failed; …: ") is the outer error's to say.
  const reason = (error: unknown) =>
    (error instanceof Error ? error.message : String(error)).replace(
      /^Message \d+ of \d+ \(to [^)]*\) failed[^:]*: /,
      '',
    );
  const said = failures.map(({ member, error }) => `${member}: ${reason(error)}`);
  return new FailoverError(`All ${failures.length} members failed (${said.join('; ')})`, {
    cause: failures[failures.length - 1]?.error,
    failures,
    transient: failures.every(({ error }) => (error as { transient?: unknown } | null)?.transient === true),
  });
}
