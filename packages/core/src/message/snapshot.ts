import type { EmailMessage } from './email-message.js';

/**
 * The message as it is now, in a copy that later changes to it do not reach: same class, own
 * properties copied, lists and plain objects (recipients, headers, attachment and alternative
 * entries) one level deeper, attached messages copied the same way. Content (strings, bytes,
 * files, streams) and the connection are shared: the API never changes them in place.
 * What `send()` sends and what the locmem backend keeps (Django reads the message when
 * `send()` is called, since it builds it before any I/O).
 *
 * @example
 * ```ts
 * const copy = snapshotMessage(msg);
 * msg.to = ['other@example.com']; // copy.to is unchanged
 * ```
 */
export function snapshotMessage<M extends EmailMessage>(message: M): M {
  return copyOf(message, new Map()) as M;
}

/**
 * A copy for `send()` to send, and `giveBack()` to run once it is sent: what the backend (or a
 * hook) recorded on the copy (`delivery`, the queue's job id) is recorded on `message` as well.
 * Only what changed on the copy is given back, so the caller's later changes are kept.
 */
export function sendingCopy<M extends EmailMessage>(message: M): { copy: M; giveBack(): void } {
  const copy = snapshotMessage(message);
  const taken = new Map<PropertyKey, unknown>();
  for (const key of Reflect.ownKeys(copy)) taken.set(key, (copy as Record<PropertyKey, unknown>)[key]);
  return {
    copy,
    giveBack() {
      for (const key of Reflect.ownKeys(copy)) {
        const descriptor = Object.getOwnPropertyDescriptor(copy, key)!;
        if (taken.has(key) && 'value' in descriptor && descriptor.value === taken.get(key)) continue;
        Object.defineProperty(message, key, descriptor);
      }
    },
  };
}

function copyOf(message: object, seen: Map<object, object>): object {
  const known = seen.get(message);
  if (known) return known; // a cycle stays a cycle, refused when built
  const copy = Object.create(Object.getPrototypeOf(message)) as Record<PropertyKey, unknown>;
  seen.set(message, copy);
  for (const key of Reflect.ownKeys(message)) {
    const descriptor = Object.getOwnPropertyDescriptor(message, key)!;
    if ('value' in descriptor) descriptor.value = copyValue(descriptor.value, seen);
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}

function copyValue(value: unknown, seen: Map<object, object>): unknown {
  if (Array.isArray(value)) return value.map((item) => copyItem(item, seen));
  if (isPlainObject(value)) return { ...value };
  return value;
}

/** A list item: an attached message, an attachment or alternative entry (whose content may be a message). */
function copyItem(item: unknown, seen: Map<object, object>): unknown {
  if (isMessage(item)) return copyOf(item, seen);
  if (!isPlainObject(item)) return item;
  const entry = { ...item };
  if (isMessage(entry.content)) entry.content = copyOf(entry.content, seen);
  return entry;
}

function isMessage(value: unknown): value is object {
  // An EmailMessage (of this or another copy of core): it builds itself and lists its recipients.
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as EmailMessage).message === 'function' &&
    typeof (value as EmailMessage).recipients === 'function'
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
