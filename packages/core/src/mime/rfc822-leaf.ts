import { BuiltMessage, type Chunk } from './built-message.js';
import { toBuffer, toCrlf } from './encode-body.js';
import type { BuildsItself } from './mime-message.js';
import type { Leaf } from './mime-tree.js';

/** True for a message that builds itself (an `EmailMessage`), as opposed to a part or an attachment. */
export function isBuildsItself(value: unknown): value is BuildsItself {
  return value !== null && typeof value === 'object' && typeof (value as BuildsItself).message === 'function';
}

// The attached messages being built, outermost first: building is synchronous, so this is the
// chain of message/rfc822 parts above the one being built now.
const building = new Set<BuildsItself>();

/** An attached message built, refusing a message that contains itself (it would never end). */
function buildAttached(content: BuildsItself): unknown {
  if (building.has(content)) {
    throw new TypeError(
      'An EmailMessage is attached to itself (directly or through the messages it attaches): a message/rfc822 part cannot contain its own message.',
    );
  }
  building.add(content);
  try {
    return content.message();
  } finally {
    building.delete(content);
  }
}

/** An attached message's bytes, embedded as is (RFC 2046 §5.2.1: never base64). */
export function rfc822Leaf(content: unknown): Leaf {
  let body: Chunk[];
  if (isBuildsItself(content)) {
    const built = buildAttached(content);
    if (!(built instanceof BuiltMessage))
      throw new TypeError('A message/rfc822 attachment must be an EmailMessage of @mail/core.');
    body = [...built.chunks];
    if (!built.ascii)
      return { multi: false, contentType: 'message/rfc822', transferEncoding: '8bit', extra: [], body, eightBit: true };
  } else if (typeof content === 'string') {
    body = [toCrlf(content)];
  } else if (content instanceof Uint8Array) {
    body = [toCrlf(toBuffer(content).toString('utf8'))];
  } else {
    throw new TypeError('A message/rfc822 attachment takes an EmailMessage, a string or bytes.');
  }
  const eightBit = body.some((c) => (typeof c === 'string' && /[^\x00-\x7f]/.test(c)) || Buffer.isBuffer(c));
  return {
    multi: false,
    contentType: 'message/rfc822',
    transferEncoding: eightBit ? '8bit' : '7bit',
    extra: [],
    body,
    eightBit,
  };
}
