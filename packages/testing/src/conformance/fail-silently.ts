import assert from 'node:assert/strict';
import { SendError } from '@mail/core';
import { plainMessage } from './sample-messages.js';
import type { ConformanceEnv, ConformanceGroup } from './types.js';

const REFUSED = 'refused@example.com';

/** A batch whose middle message the fixture refuses (every recipient gets 550). */
function batchWithRefused() {
  return [plainMessage(1), plainMessage(2, { to: [REFUSED] }), plainMessage(3)];
}

async function refusingBackend(env: ConformanceEnv, failSilently: boolean) {
  env.ctx.smtp.faults = { rejectRecipients: { [REFUSED]: 550 } };
  const backend = await env.create();
  backend.failSilently = failSilently;
  return backend;
}

/**
 * Delivery failures (not bad input): with failSilently the failed message is skipped, the rest
 * go on and the count excludes it; without, the batch stops with a SendError counting what was
 * delivered. Runs for backends that deliver over SMTP (the fixture scripts the failure).
 */
export const failSilentlyGroup: ConformanceGroup = {
  name: 'failSilently',
  appliesTo: (capabilities, { viaSmtp }) => capabilities.delivers && viaSmtp,
  checks: {
    'with failSilently a refused message is skipped and not counted': async (env) => {
      const backend = await refusingBackend(env, true);
      const count = await backend.sendMessages(batchWithRefused());
      assert.equal(count, 2, 'the count must exclude the refused message');
      const subjects = (await env.delivered()).map((m) => m.parsed.subject);
      assert.deepEqual(
        subjects,
        ['Conformance message 1', 'Conformance message 3'],
        'the other messages must still be delivered',
      );
    },
    'without failSilently the batch stops with a SendError counting what was delivered': async (env) => {
      const backend = await refusingBackend(env, false);
      await assert.rejects(backend.sendMessages(batchWithRefused()), (error: unknown) => {
        assert.ok(error instanceof SendError, `a refused message must reject with SendError, got ${String(error)}`);
        assert.equal(error.sent, 1, 'SendError.sent must count the messages delivered before the failure');
        return true;
      });
      const subjects = (await env.delivered()).map((m) => m.parsed.subject);
      assert.deepEqual(subjects, ['Conformance message 1'], 'nothing after the failed message may be sent');
    },
    'a backend that cannot connect fails, or resolves 0 with failSilently': async (env) => {
      env.ctx.smtp.faults = { dropAt: 'greeting' };
      const loud = await env.create();
      await assert.rejects(
        loud.sendMessages([plainMessage(1)]),
        SendError,
        'a dropped connection must reject with SendError',
      );
      const quiet = await env.create();
      quiet.failSilently = true;
      assert.equal(await quiet.sendMessages([plainMessage(2)]), 0, 'with failSilently a failed connection resolves 0');
      assert.equal((await env.delivered()).length, 0);
    },
  },
};
