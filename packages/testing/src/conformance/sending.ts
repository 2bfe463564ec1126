import assert from 'node:assert/strict';
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
