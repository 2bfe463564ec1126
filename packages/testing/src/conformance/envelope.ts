import assert from 'node:assert/strict';
import { plainMessage } from './sample-messages.js';
import type { ConformanceGroup } from './types.js';

/** The envelope carries bare addresses of From and every To, Cc and Bcc; Bcc is never written. */
export const envelopeGroup: ConformanceGroup = {
  name: 'envelope and Bcc',
  appliesTo: (capabilities) => capabilities.delivers,
  checks: {
    'Bcc recipients get the message but no Bcc header is written': async (env) => {
      const backend = await env.create();
      const message = plainMessage('bcc', {
        cc: ['Copy <cc@example.com>'],
        bcc: ['Hidden Person <hidden@example.com>', 'h2@example.com'],
      });
      assert.equal(await backend.sendMessages([message]), 1);
      const [delivered] = await env.delivered();
      assert.ok(delivered, 'the message was not delivered');
      assert.equal(
        delivered.parsed.headers.has('bcc'),
        false,
        'a Bcc header must never be written (RFC 5322 §3.6.3 lets the sender drop it)',
      );
      if (delivered.raw)
        assert.doesNotMatch(
          delivered.raw.toString('latin1'),
          /hidden@example\.com/,
          'a Bcc address must not appear in the written message',
        );
      if (delivered.envelope) {
        assert.ok(
          delivered.envelope.rcptTo.includes('hidden@example.com'),
          `Bcc recipients must be in the envelope; got ${delivered.envelope.rcptTo.join(', ')}`,
        );
      }
    },
    'the envelope holds bare addresses: From, then To, Cc and Bcc': async (env) => {
      const backend = await env.create();
      const message = plainMessage('envelope', {
        to: ['To Person <to@example.com>', 'plain@example.com'],
        cc: ['"Cc, Person" <cc@example.com>'],
        bcc: ['bcc@example.com'],
      });
      await backend.sendMessages([message]);
      const [delivered] = await env.delivered();
      assert.ok(delivered, 'the message was not delivered');
      if (!delivered.envelope) return; // the mailbox records no envelope (console, file)
      assert.equal(delivered.envelope.mailFrom, 'sender@example.com', 'MAIL FROM must be the bare fromEmail address');
      assert.deepEqual(
        [...delivered.envelope.rcptTo].sort(),
        ['bcc@example.com', 'cc@example.com', 'plain@example.com', 'to@example.com'],
        'RCPT TO must be every To, Cc and Bcc address, without display names',
      );
    },
    'Cc recipients are delivered to and written': async (env) => {
      const backend = await env.create();
      await backend.sendMessages([plainMessage('cc', { cc: ['Copy <cc@example.com>'] })]);
      const [delivered] = await env.delivered();
      assert.ok(delivered, 'the message was not delivered');
      const cc = delivered.parsed.cc;
      const written = (Array.isArray(cc) ? cc : cc ? [cc] : []).flatMap((o) => o.value.map((v) => v.address));
      assert.deepEqual(written, ['cc@example.com'], 'the Cc header must list the Cc recipients');
      if (delivered.envelope)
        assert.ok(delivered.envelope.rcptTo.includes('cc@example.com'), 'Cc recipients must be in the envelope');
    },
  },
};
