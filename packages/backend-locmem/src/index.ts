/**
 * @mail/backend-locmem: an in-memory email backend for tests; sent messages land in `outbox`.
 *
 * @example
 * ```ts
 * import { outbox } from '@mail/backend-locmem';
 * expect(outbox).toHaveLength(1);
 * ```
 * @packageDocumentation
 */
import { LocmemBackend } from './locmem-backend.js';

export { outbox, type SentMessage } from './outbox.js';
export { LocmemBackend as EmailBackend };
export default LocmemBackend;
