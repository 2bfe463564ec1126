/**
 * Send events and hooks, what they cost: `node events-child.mjs <rich|plain> <roundMs> <rounds>`.
 * Each message goes through its own `sendMessages([msg])`, through the dummy backend (the build
 * and checks of the base contract, nothing kept) and through locmem, first with no one listening,
 * then with a subscriber on `mail:send` (all five handlers), then with an `onSent` hook as well.
 * The variants alternate, twice, so none gets the warmer half of the run.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { oursMessages } from './contenders.mjs';
import { rateOf, report } from './measure.mjs';

const [workload, roundMs = '700', rounds = '3'] = process.argv.slice(2);
const { BaseEmailBackend, onSent } = await import('@mail/core');
const { EmailBackend: Locmem, outbox } = await import('@mail/backend-locmem');
/** The dummy backend's part: nothing; the base contract builds and checks each message. */
class Dummy extends BaseEmailBackend {
  async deliverOne() {}
}
const make = await oursMessages(workload);
const opts = { roundMs: Number(roundMs), rounds: Number(rounds) };
const dummy = new Dummy();
const locmem = new Locmem();

let seen = 0;
const handlers = {
  start() {
    seen++;
  },
  end() {},
  asyncStart() {},
  asyncEnd() {},
  error() {},
};
const channel = tracingChannel('mail:send');
const via = {
  dummy: (i) => dummy.sendMessages([make(i)]),
  locmem: (i) => {
    if (outbox.length >= 1000) outbox.length = 0;
    return locmem.sendMessages([make(i)]);
  },
};
const modes = {
  quiet: { on() {}, off() {} },
  subscribed: { on: () => channel.subscribe(handlers), off: () => channel.unsubscribe(handlers) },
  hooked: {
    on() {
      channel.subscribe(handlers);
      this.remove = onSent(() => {});
    },
    off() {
      channel.unsubscribe(handlers);
      this.remove();
    },
  },
};
const best = {};
for (let pass = 0; pass < 2; pass++) {
  for (const [backend, fn] of Object.entries(via)) {
    for (const [mode, m] of Object.entries(modes)) {
      m.on();
      const { rate } = await rateOf(fn, opts);
      m.off();
      const key = `${backend}.${mode}`;
      best[key] = Math.max(best[key] ?? 0, rate);
    }
  }
}
report({ ...best, seen: seen > 0 });
