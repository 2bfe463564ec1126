/**
 * The `dkim` bench section (design/PERFORMANCE.md, second release): the rich build unsigned,
 * signed with RSA-2048 and with Ed25519, each beside bare `crypto.sign` with the same kind of
 * key (target: signed ≥ 0.8× bare sign), and the peak RSS of a large `attachFile` sent over SMTP
 * with and without DKIM (target ≤ 16 MB growth).
 */
import { rmSync } from 'node:fs';
import { writeBigFile } from './big-file.mjs';
import { startSink } from './sink-control.mjs';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const ok = (r) => r && !r.error && !r.skipped;
const shown = (r, f, fmt = int) => (ok(r) ? fmt.format(f(r)) : (r?.error ?? r?.skipped ?? 'not run'));

export const dkimSection = {
  name: 'dkim',
  async run({ node, passes, results, P, log }) {
    const names = ['unsigned', 'rsa', 'bare-rsa', 'ed25519', 'bare-ed25519'];
    const best = await passes('dkim', names, (c) => node('dkim-child.mjs', [c, P.roundMs, P.rounds]));
    for (const [c, r] of Object.entries(best)) results[`dkim.${c}`] = r;
    const file = writeBigFile('mail-bench-dkim', P.fileMB);
    const sink = await startSink();
    try {
      for (const c of ['ours', 'ours-dkim']) {
        log(`dkim memory ${P.fileMB} MB: ${c}`);
        results[`dkim.memory.${c}`] = await node('memory-child.mjs', [c, file, sink.host, sink.port], ['--expose-gc']);
      }
    } finally {
      sink.close();
      rmSync(file, { force: true });
    }
  },
  render(R, P) {
    const rate = (r) => r.rate;
    const ratio = (a, b) => (ok(a) && ok(b) ? a.rate / b.rate : null);
    const verdict = (x, need) => (x === null ? '' : x >= need ? 'met' : 'not met');
    const rows = [`| rich build through a backend, unsigned | ${shown(R['dkim.unsigned'], rate)} | | | |`];
    for (const [label, k] of [
      ['RSA-2048', 'rsa'],
      ['Ed25519', 'ed25519'],
    ]) {
      const x = ratio(R[`dkim.${k}`], R[`dkim.bare-${k}`]);
      rows.push(
        `| rich build signed, ${label} | ${shown(R[`dkim.${k}`], rate)} | bare crypto.sign ${shown(R[`dkim.bare-${k}`], rate)} | ${x === null ? '' : `${x.toFixed(2)}×`} (≥ 0.8×) | ${verdict(x, 0.8)} |`,
      );
    }
    const growth = (r) => r.growthMB;
    for (const [label, k] of [
      ['unsigned', 'ours'],
      ['DKIM (RSA-2048)', 'ours-dkim'],
    ]) {
      const r = R[`dkim.memory.${k}`];
      rows.push(
        `| attachFile ${P.fileMB} MB over SMTP, ${label}, peak RSS growth MB | ${shown(r, growth, one)} | ${ok(r) ? `${one.format(P.fileMB / r.seconds)} MB/s` : ''} | ≤ 16 MB | ${ok(r) ? (r.growthMB <= 16 ? 'met' : 'not met') : ''} |`,
      );
    }
    return [
      '## DKIM signing',
      '',
      '| measure | msgs/s (or MB) | beside | ratio (target) | result |',
      '| --- | ---: | ---: | ---: | --- |',
      ...rows,
    ].join('\n');
  },
};
