/**
 * @mail/backend-failover: failover and round-robin email backends over other mailers
 * (aliases `failover` and `roundrobin`).
 *
 * @example
 * ```ts
 * import { configure } from '@mail/core';
 * configure({ mailers: {
 *   primary: { options: { host: 'smtp.a.example', port: 587, useTls: true } },
 *   backup: { options: { host: 'smtp.b.example', port: 587, useTls: true } },
 *   default: { backend: 'failover', options: { mailers: ['primary', 'backup'], retryAfter: 60 } },
 * } });
 * ```
 * @packageDocumentation
 */
import { FailoverBackend } from './failover-backend.js';

export { type FailoverBackendOptions, RoundRobinBackend } from './failover-backend.js';
export { FailoverError, type FailoverErrorOptions, type MemberFailure } from './failover-error.js';
export { FailoverBackend, FailoverBackend as EmailBackend };
export default FailoverBackend;
