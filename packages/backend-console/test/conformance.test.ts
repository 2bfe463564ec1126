import { Writable } from 'node:stream';
import { EmailBackend } from '@mail/backend-console';
import { runBackendConformance, splitMessages } from '@mail/testing/conformance';

const written: Buffer[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    written.push(Buffer.from(chunk));
    callback();
  },
});

runBackendConformance({
  name: 'console',
  create: () => new EmailBackend({ stream }),
  mailbox: {
    read: () => splitMessages(Buffer.concat(written)).map((raw) => ({ raw })),
    flush: () => {
      written.length = 0;
    },
  },
});
