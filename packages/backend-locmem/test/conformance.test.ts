import { EmailBackend, outbox } from '@mail/backend-locmem';
import { envelopeOf } from '@mail/core';
import { runBackendConformance } from '@mail/testing/conformance';

runBackendConformance({
  name: 'locmem',
  create: () => new EmailBackend(),
  mailbox: {
    read: () =>
      Promise.all(outbox.map(async (m) => ({ raw: await m.message().asBytes(), envelope: toFixtureEnvelope(m) }))),
    flush: () => {
      outbox.length = 0;
    },
  },
});

function toFixtureEnvelope(message: (typeof outbox)[number]) {
  const { from, to } = envelopeOf(message);
  return { mailFrom: from, rcptTo: to };
}
