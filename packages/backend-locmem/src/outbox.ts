/**
 * The outbox lives in @mail/core (as Django keeps it on `django.core.mail`); this package
 * re-exports it so `import { outbox } from '@mail/backend-locmem'` keeps working.
 * @module
 */
export { outbox, type SentMessage } from '@mail/core';
