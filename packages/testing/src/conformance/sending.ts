import assert from 'node:assert/strict';
import { envelopeOf } from '@mail/core';
import { plainMessage } from './sample-messages.js';
import type { ConformanceGroup } from './types.js';

/** Sending and counting: `sendMessages` resolves to the number delivered, and delivers each once. */
export const sendingGroup: ConformanceGroup = {
  name: 'sending and counting',
  appliesTo: () => true,
  checks: {
    'sendMessages([]) resolves to 0 and sends nothing': async (env) => {
      const backend = await env.create();
      assert.equal(await backend.sendMessages([]), 0, 'sendMessages([]) must resolve to 0');
      assert.equal((await env.delivered()).length, 0, 'sendMessages([]) must deliver nothing');
    },
    'one message resolves to 1 and is delivered once': async (env) => {
      const backend = await env.create();
      assert.equal(await backend.sendMessages([plainMessage(1)]), 1, 'sendMessages([message]) must resolve to 1');
      if (!env.capabilities.delivers) return;
      const delivered = await env.delivered();
      assert.equal(delivered.length, 1, `expected 1 delivered message, found ${delivered.length}`);
      assert.equal(delivered[0].parsed.subject, 'Conformance message 1', 'the delivered message must be the one sent');
    },
    'a batch resolves to its size and is delivered in order': async (env) => {
      const backend = await env.create();
      const count = await backend.sendMessages([plainMessage(1), plainMessage(2), plainMessage(3)]);
      assert.equal(count, 3, 'sendMessages() of 3 messages must resolve to 3');
      if (!env.capabilities.delivers) return;
      const subjects = (await env.delivered()).map((m) => m.parsed.subject);
      assert.deepEqual(
        subjects,
        ['Conformance message 1', 'Conformance message 2', 'Conformance message 3'],
        'each message delivered once, in order',
      );
    },
    'message.delivery reports each message: the Message-ID as delivered, the recipients accepted, the backend': async (
      env,
    ) => {
      const backend = await env.create();
      const messages = [plainMessage(1), plainMessage(2, { cc: ['cc@example.com'] })];
      assert.equal(await backend.sendMessages(messages), 2);
      const delivered = env.capabilities.delivers ? await env.delivered() : [];
      messages.forEach((message, i) => {
        const report = message.delivery;
        assert.ok(report, `message ${i + 1} has no delivery report after the send (message.delivery is null)`);
        assert.equal(typeof report.backend, 'string', 'delivery.backend must name the backend');
        assert.ok(report.attempts >= 1, 'delivery.attempts must count at least the one attempt');
        assert.deepEqual(report.rejected, [], 'nothing was refused');
        assert.deepEqual(
          [...report.accepted].sort(),
          [...envelopeOf(message).to].sort(),
          'delivery.accepted must list the recipients that took it',
        );
        assert.match(report.messageId, /^<[^<>\s]+@[^<>\s]+>$/, 'delivery.messageId must be a Message-ID');
        // Read from the SMTP fixture, the bytes are those sent (a mailbox may rebuild the message).
        const received = env.viaSmtp ? delivered[i]?.parsed.messageId : undefined;
        if (received !== undefined) {
          const bare = (id: string) => id.replace(/^<|>$/g, '');
          assert.equal(bare(report.messageId), bare(received), 'delivery.messageId must be the Message-ID delivered');
        }
      });
    },
    'any iterable of messages is accepted, and a non-iterable is a TypeError': async (env) => {
      const backend = await env.create();
      const batch = new Set([plainMessage(1), plainMessage(2)]);
      assert.equal(await backend.sendMessages(batch as never), 2, 'sendMessages(new Set([a, b])) must resolve to 2');
      await assert.rejects(
        () => backend.sendMessages(plainMessage(3) as never),
        TypeError,
        'sendMessages(message) without an array must be a TypeError',
      );
    },
  },
};
