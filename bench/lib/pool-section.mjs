/**
 * The `pool` section of run.mjs (`--only pool`, design/PERFORMANCE.md, second release): 10,000
 * sends issued at once through our pooled mailer with 4 connections against nodemailer's pooled
 * transport with `maxConnections: 4` (target ≥ 2× its rate, ≤ 4 connections opened, counted at
 * the sink), the same through a 1,000 msgs/s rate limit (target: achieved within 5%), and the
 * one-connection SMTP row at 8,000 messages against the raw pipelined floor (target ≥ 0.7×).
 */
import { startSink } from './sink-control.mjs';
import { cell } from './table.mjs';

const CONNECTIONS = 4;
const LIMIT = 1000;
const ok = (r) => r && !r.error && !r.skipped;

export const poolSection = {
  name: 'pool',
  async run({ node, passes, results, P, log }) {
    const quick = P.passes === 1;
    const count = quick ? 3000 : 10_000;
    const sink = await startSink();
    /** A child run, with what the sink saw of it: messages (all must arrive) and connections opened. */
    const counted = async (script, argv, expected) => {
      const before = await sink.stats();
      const r = await node(script, argv);
      const after = await sink.stats();
      const got = after.messages - before.messages;
      if (r.rate && got < expected) return { error: `sink received ${got} of ${expected} messages` };
      return { ...r, connections: after.connections - before.connections };
    };
    try {
      log('pool: warming the sink');
      await node('smtp-child.mjs', ['raw', 'reuse', 1000, sink.host, sink.port, 2]);
      for (const workload of ['plain', 'rich']) {
        // The target is the plain row; rich is a figure (nodemailer sends it at ≈ 250/s: 2,000 of them).
        const n = workload === 'plain' ? count : Math.min(count, 2000);
        const best = await passes(`pool ${workload} x${n}, ${CONNECTIONS} connections`, ['ours', 'nodemailer'], (c) =>
          counted('pool-child.mjs', [c, workload, n, sink.host, sink.port, CONNECTIONS], n + 1000),
        );
        for (const [c, r] of Object.entries(best)) results[`pool.${workload}.${c}`] = r;
      }
      const limited = quick ? 2000 : 10_000;
      for (const c of ['ours', 'nodemailer']) {
        log(`pool: plain x${limited} at ${LIMIT} msgs/s: ${c}`);
        results[`pool.limited.${c}`] = await counted(
          'pool-child.mjs',
          [c, 'plain', limited, sink.host, sink.port, CONNECTIONS, LIMIT],
          limited + 1000,
        );
      }
      const one = quick ? 2000 : 8000;
      const best = await passes(`pool: one connection x${one}`, ['ours', 'raw'], (c) =>
        counted('smtp-child.mjs', [c, 'reuse', one, sink.host, sink.port], one),
      );
      for (const [c, r] of Object.entries(best)) results[`pool.one.${c}`] = { ...r, count: one };
    } finally {
      sink.close();
    }
  },
  render(R) {
    if (!Object.keys(R).some((k) => k.startsWith('pool.'))) return '';
    const rate = (r) => r.rate;
    const conns = (r) => (ok(r) ? ` (${r.connections} connection${r.connections === 1 ? '' : 's'} at the sink)` : '');
    const x = (a, b) => (ok(a) && ok(b) ? a.rate / b.rate : null);
    const verdict = (v, pass) => (v === null ? '' : pass ? 'met' : 'not met');
    const rows = [];
    for (const workload of ['plain', 'rich']) {
      const ours = R[`pool.${workload}.ours`];
      const peer = R[`pool.${workload}.nodemailer`];
      const ratio = x(ours, peer);
      const capped = ok(ours) && ours.connections <= CONNECTIONS;
      const target = workload === 'plain' ? ` (≥ 2×, ≤ ${CONNECTIONS} connections)` : '';
      rows.push(
        `| ${ours?.sent ?? ''} ${workload} sends at once, pool of ${CONNECTIONS}, msgs/s | ${cell(ours, rate)}${conns(ours)} | nodemailer pool ${cell(peer, rate)}${conns(peer)} | ${ratio === null ? '' : `${ratio.toFixed(2)}×`}${target} | ${workload === 'plain' ? verdict(ratio, ratio >= 2 && capped) : ''} |`,
      );
    }
    const lim = R['pool.limited.ours'];
    const off = ok(lim) ? lim.rate / LIMIT - 1 : null;
    rows.push(
      `| the same (plain) through rateLimit ${LIMIT} msgs/s, achieved msgs/s | ${cell(lim, rate)} | nodemailer rateLimit ${cell(R['pool.limited.nodemailer'], rate)} | ${off === null ? '' : `${off >= 0 ? '+' : ''}${(off * 100).toFixed(1)}%`} (within 5%) | ${verdict(off, off !== null && Math.abs(off) <= 0.05)} |`,
    );
    const one = R['pool.one.ours'];
    const raw = R['pool.one.raw'];
    const r1 = x(one, raw);
    rows.push(
      `| SMTP ${one?.count ?? ''} rich over one connection, msgs/s | ${cell(one, rate)} | raw pipelined floor ${cell(raw, rate)} | ${r1 === null ? '' : `${r1.toFixed(2)}×`} (≥ 0.7×) | ${verdict(r1, r1 >= 0.7)} |`,
    );
    return [
      '## Pool and rate limit (sink in another process)',
      '',
      '| measure | ours | beside | ratio (target) | result |',
      '| --- | ---: | ---: | ---: | --- |',
      ...rows,
    ].join('\n');
  },
};
