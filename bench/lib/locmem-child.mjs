/**
 * The locmem backend against the build alone, in one process:
 * `node locmem-child.mjs <rich|plain> <roundMs> <rounds>`. Each message goes
 * through its own sendMessages([msg]) call, as a test that sends one mail
 * does; the outbox is emptied every 1,000 messages so it does not grow.
 */
import { oursMessages } from './contenders.mjs';
import { rateOf, report } from './measure.mjs';

const [workload, roundMs = '700', rounds = '3'] = process.argv.slice(2);
const { EmailBackend, outbox } = await import('@mail/backend-locmem');
const make = await oursMessages(workload);
const backend = new EmailBackend();
const opts = { roundMs: Number(roundMs), rounds: Number(rounds) };

const viaLocmem = (i) => {
  if (outbox.length >= 1000) outbox.length = 0;
  return backend.sendMessages([make(i)]);
};
const buildAlone = (i) => make(i).message().asBytes();
// interleave so neither side gets the warmer half of the run
const b1 = await rateOf(buildAlone, opts);
const l1 = await rateOf(viaLocmem, opts);
const b2 = await rateOf(buildAlone, opts);
const l2 = await rateOf(viaLocmem, opts);
report({ build: Math.max(b1.rate, b2.rate), locmem: Math.max(l1.rate, l2.rate), kept: outbox.length > 0 });
