/**
 * One build contender in its own process (so JIT and heap state of one do
 * not bias another): `node build-child.mjs <ours|ours-distinct|composer|encoders> <rich|plain> <roundMs> <rounds>`.
 * Reports the cold rate (the first 2,000 builds of this fresh process, as a
 * script sending a few hundred mails sees it) and the steady one after it.
 */
import { performance } from 'node:perf_hooks';
import { BUILDERS } from './contenders.mjs';
import { rateOf, report } from './measure.mjs';

const COLD = 2000;
const [contender, workload, roundMs = '700', rounds = '3'] = process.argv.slice(2);
const build = await BUILDERS[contender](workload);
const start = performance.now();
let sample;
for (let i = 0; i < COLD; i++) {
  const r = build(i);
  sample = r && typeof r.then === 'function' ? await r : r;
}
const cold = (COLD * 1000) / (performance.now() - start);
const { rate, rates } = await rateOf(build, { roundMs: Number(roundMs), rounds: Number(rounds) });
report({ rate, rates, cold, bytes: sample.length });
