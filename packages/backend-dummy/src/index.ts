/**
 * @mail/backend-dummy: an email backend that sends nothing.
 *
 * @example
 * ```ts
 * import { configure } from '@mail/core';
 * configure({ emailBackend: 'dummy' });
 * ```
 * @packageDocumentation
 */
import { DummyBackend } from './dummy-backend.js';

export { DummyBackend as EmailBackend };
export default DummyBackend;
