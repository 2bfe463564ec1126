import assert from 'node:assert/strict';
import { normalizeBody, plainMessage } from './sample-messages.js';
import type { ConformanceEnv, ConformanceGroup } from './types.js';

const BATCHES = 4;
const PER_BATCH = 3;

async function sendInParallel(env: ConformanceEnv, openFirst: boolean): Promise<void> {
  const backend = await env.create();
  if (openFirst) await backend.open();
  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: PER_BATCH }, (_, i) =>
      plainMessage(`${b}.${i}`, { body: `Batch ${b}, message ${i}.\n${'x'.repeat(2000 * (i + 1))}\n` }),
    ),
  );
  const counts = await Promise.all(batches.map((batch) => backend.sendMessages(batch)));
  if (openFirst) await backend.close();
  assert.deepEqual(
    counts,
    Array(BATCHES).fill(PER_BATCH),
    'every concurrent sendMessages() must resolve to its own batch size',
  );
  if (env.viaSmtp && env.capabilities.keepsConnection) {
    assert.equal(
      env.ctx.smtp.connections,
      1,
      `concurrent batches must share one connection; the server saw ${env.ctx.smtp.connections}`,
    );
  }
  if (!env.capabilities.delivers) return;
  const delivered = await env.delivered();
  assert.equal(
    delivered.length,
    BATCHES * PER_BATCH,
    `expected ${BATCHES * PER_BATCH} delivered messages, found ${delivered.length}`,
  );
  const order: string[] = [];
  for (const message of delivered) {
    const id = /Conformance message (\d+)\.(\d+)/.exec(message.parsed.subject ?? '');
    assert.ok(id, `unexpected message ${JSON.stringify(message.parsed.subject)}`);
    const [, b, i] = id;
    assert.equal(
      normalizeBody(message.parsed.text),
      normalizeBody(`Batch ${b}, message ${i}.\n${'x'.repeat(2000 * (Number(i) + 1))}`),
      `message ${b}.${i} arrived corrupted (content of concurrent sends mixed up)`,
    );
    order.push(b);
  }
  // Batches are queued, never interleaved: each batch's messages arrive together.
  const runs = order.filter((b, k) => k === 0 || order[k - 1] !== b);
  assert.equal(runs.length, BATCHES, `concurrent batches were interleaved: batch order ${order.join(' ')}`);
}

/** Concurrent sendMessages calls on one backend all complete, each counted, never interleaved. */
export const concurrencyGroup: ConformanceGroup = {
  name: 'concurrency',
  appliesTo: () => true,
  checks: {
    'concurrent sendMessages calls on a closed backend are all delivered, one batch at a time': (env) =>
      sendInParallel(env, false),
    'concurrent sendMessages calls on an open backend are all delivered, one batch at a time': (env) =>
      sendInParallel(env, true),
  },
};
