import assert from 'node:assert/strict';
import { plainMessage } from './sample-messages.js';
import type { ConformanceGroup } from './types.js';

/** open()/close(): true then false, close idempotent, sendMessages leaves an open connection open, await using. */
export const lifecycleGroup: ConformanceGroup = {
  name: 'open/close lifecycle and reuse',
  appliesTo: () => true,
  checks: {
    'open() resolves true for a new connection, then false while it is open': async (env) => {
      const backend = await env.create();
      const first = await backend.open();
      assert.equal(typeof first, 'boolean', 'open() must resolve to a boolean');
      if (env.capabilities.keepsConnection)
        assert.equal(first, true, 'the first open() must resolve true (it opened a connection)');
      assert.equal(await backend.open(), false, 'open() on an open backend must resolve false');
      await backend.close();
    },
    'close() is idempotent and safe before open()': async (env) => {
      const backend = await env.create();
      await backend.close();
      await backend.open();
      await backend.close();
      await backend.close();
      if (env.capabilities.keepsConnection)
        assert.equal(await backend.open(), true, 'open() after close() must open a new connection');
      await backend.close();
    },
    'sendMessages leaves an already open connection open, and reuses it': async (env) => {
      const backend = await env.create();
      await backend.open();
      assert.equal(await backend.sendMessages([plainMessage(1)]), 1);
      assert.equal(await backend.sendMessages([plainMessage(2)]), 1);
      assert.equal(await backend.open(), false, 'sendMessages must not close a connection it did not open');
      await backend.close();
      if (env.viaSmtp && env.capabilities.keepsConnection) {
        assert.equal(
          env.ctx.smtp.connections,
          1,
          `two batches between open() and close() must share one connection; the server saw ${env.ctx.smtp.connections}`,
        );
      }
      if (env.capabilities.delivers) assert.equal((await env.delivered()).length, 2, 'both messages must be delivered');
    },
    'sendMessages opens and closes a connection when none is open': async (env) => {
      const backend = await env.create();
      assert.equal(await backend.sendMessages([plainMessage(1)]), 1);
      if (env.capabilities.keepsConnection) {
        assert.equal(await backend.open(), true, 'sendMessages must close the connection it opened');
      }
      await backend.close();
    },
    'await using closes the backend': async (env) => {
      const backend = await env.create();
      assert.equal(typeof backend[Symbol.asyncDispose], 'function', 'a backend must implement Symbol.asyncDispose');
      {
        await using held = backend;
        await held.open();
      }
      if (env.capabilities.keepsConnection)
        assert.equal(await backend.open(), true, 'leaving an await using block must close the connection');
      await backend.close();
    },
  },
};
