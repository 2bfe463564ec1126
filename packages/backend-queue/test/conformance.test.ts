import { outbox } from '@mail/backend-locmem';
import { EmailBackend } from '@mail/backend-queue';
import { envelopeOf } from '@mail/core';
import { runBackendConformance } from '@mail/testing/conformance';

// The queue backend in sync mode: every message goes through the job form (built, read into a
// job, JSON as Redis would hold it) and is delivered at once through deliverWith, here locmem.
// The outbox holds what the worker side rebuilt from the job: its bytes are the job's.
runBackendConformance({
  name: 'queue (sync, through locmem)',
  create: () => new EmailBackend({ sync: true, deliverWith: 'locmem' }),
  mailbox: {
    read: () =>
      Promise.all(
        outbox.map(async (m) => {
          const { from, to } = envelopeOf(m);
          return { raw: await m.message().asBytes(), envelope: { mailFrom: from, rcptTo: to } };
        }),
      ),
    flush: () => {
      outbox.length = 0;
    },
  },
});
