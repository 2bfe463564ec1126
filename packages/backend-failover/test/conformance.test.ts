import { FailoverBackend, RoundRobinBackend } from '@mail/backend-failover';
import { configure, resetSettings } from '@mail/core';
import { type ConformanceContext, runBackendConformance } from '@mail/testing/conformance';
import { afterAll } from 'vitest';

afterAll(() => resetSettings());

/** Two member mailers, both on the check's fixture. */
function members(ctx: ConformanceContext): string[] {
  configure({
    mailers: {
      default: { backend: 'locmem' },
      a: { backend: 'smtp', options: ctx.smtp.backendOptions() },
      b: { backend: 'smtp', options: ctx.smtp.backendOptions() },
    },
  });
  return ['a', 'b'];
}

runBackendConformance({ name: 'failover', create: (ctx) => new FailoverBackend({ mailers: members(ctx) }) });
// Round-robin keeps one connection per member open between open() and close(): the fixture
// sees two where the suite's connection checks expect one, so those checks are left out.
runBackendConformance({
  name: 'roundrobin',
  create: (ctx) => new RoundRobinBackend({ mailers: members(ctx) }),
  capabilities: { keepsConnection: false },
});
runBackendConformance({
  name: 'roundrobin over one member',
  create: (ctx) => new RoundRobinBackend({ mailers: members(ctx).slice(0, 1) }),
});
