/**
 * The checks of a connection choice (`connection`, `using`, `failSilently`, `authUser`,
 * `authPassword`) that need nothing loaded: run before anything else, so a programmer mistake is
 * a TypeError even when there turns out to be nothing to send (no recipients, no admins).
 * @module
 */

/**
 * What the wrappers and `EmailMessage.send()` take to pick a connection. `Connection` is the
 * backend type (`BaseEmailBackend` for `connectionFor`); it stays a parameter so this ground-floor
 * check needs nothing from the backends. The values come from callers who may not use
 * TypeScript: {@link checkConnectionChoice} checks them at run time.
 */
export interface ConnectionChoice<Connection = unknown> {
  connection?: Connection | null;
  using?: string | null;
  failSilently?: boolean;
  authUser?: string | null;
  authPassword?: string | null;
}

/**
 * @throws TypeError when `using` comes with `connection`, `authUser` or `authPassword`, or a
 *   value has the wrong type (never echoing a credential's value).
 */
export function checkConnectionChoice({
  connection,
  using,
  failSilently,
  authUser,
  authPassword,
}: ConnectionChoice): void {
  if (failSilently !== undefined && typeof failSilently !== 'boolean') {
    throw new TypeError(`failSilently must be a boolean; got ${typeof failSilently}.`);
  }
  for (const [name, value] of [
    ['authUser', authUser],
    ['authPassword', authPassword],
  ] as const) {
    // Never echo the value: it may be the password.
    if (value !== undefined && value !== null && typeof value !== 'string')
      throw new TypeError(`${name} must be a string; got ${typeof value}.`);
  }
  if (using === undefined || using === null) return;
  if (typeof using !== 'string') throw new TypeError(`using must be a mailer alias (a string); got ${typeof using}.`);
  const clash = [
    connection != null && 'connection',
    authUser != null && 'authUser',
    authPassword != null && 'authPassword',
  ].filter(Boolean);
  if (clash.length > 0) {
    throw new TypeError(
      `"using" cannot be combined with ${clash.join(' or ')}: a mailer brings its own backend and credentials.`,
    );
  }
}
