/**
 * One build contender in its own process (so JIT and heap state of one do
 * not bias another): `node build-child.mjs <ours|ours-distinct|composer|encoders> <rich|plain> <roundMs> <rounds>`.
 */
import { BUILDERS } from './contenders.mjs';
import { rateOf, report } from './measure.mjs';

const [contender, workload, roundMs = '700', rounds = '3'] = process.argv.slice(2);
const build = await BUILDERS[contender](workload);
const sample = await build(0);
const { rate, rates } = await rateOf(build, { roundMs: Number(roundMs), rounds: Number(rounds) });
report({ rate, rates, bytes: sample.length });
