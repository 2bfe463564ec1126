/**
 * The "large" section of run.mjs (`--only large`): where the bytes are. An "invoice" message (one
 * recipient, a short text, a 2 MB application/pdf of random bytes) and a "large" one (10 MB),
 * built and sent over one SMTP connection; 10 MB text bodies, 7bit and quoted-printable. Every
 * message has content of its own (lib/large-child.mjs), so no cache serves one from another.
 * Also the targets of the 256 MB attachFile (from the memory section) and of the cold start
 * (from the build section), which the second release sets beside these.
 */
import { cell, ratio, targetRow } from './table.mjs';

const WORKLOADS = { invoice: '2 MB', large: '10 MB' };

/** Counts per child run: builds per round (cold: the first round), messages per SMTP run. */
function counts(quick) {
  return quick
    ? { build: { invoice: 10, large: 4 }, text: 2, smtp: { invoice: 5, large: 2 }, passes: 1 }
    : { build: { invoice: 20, large: 6 }, text: 3, smtp: { invoice: 10, large: 4 }, passes: 2 };
}

/** Runs the section into `results` (keys `large.*`), with run.mjs's helpers. */
export async function largeSection({ node, passes, results, quick, startSink }) {
  const C = counts(quick);
  const P = { passes: C.passes };
  for (const w of Object.keys(WORKLOADS)) {
    const best = await passes(`large build ${w}`, ['ours', 'composer', 'bare'], (c) =>
      node('large-child.mjs', ['build', c, w, C.build[w]]),
    );
    for (const [c, r] of Object.entries(best)) results[`large.build.${w}.${c}`] = r;
  }
  for (const enc of ['7bit', 'qp']) {
    const best = await passes(`large text ${enc}`, ['ours', 'composer'], (c) =>
      node('large-child.mjs', ['text', c, enc, C.text]),
    );
    for (const [c, r] of Object.entries(best)) results[`large.text.${enc}.${c}`] = r;
  }
  const sink = await startSink();
  try {
    for (const w of Object.keys(WORKLOADS)) {
      const n = C.smtp[w];
      const best = await passes(`large smtp ${w} x${n}`, ['ours', 'nodemailer', 'raw'], async (c) => {
        const before = await sink.stats();
        const r = await node('large-child.mjs', ['smtp', c, w, n, sink.host, sink.port]);
        const got = (await sink.stats()).messages - before.messages;
        // every timed message (and the warm-up's) must have arrived
        return r.rate && got < r.sent ? { error: `sink received ${got} of ${r.sent} messages` } : r;
      });
      for (const [c, r] of Object.entries(best)) results[`large.smtp.${w}.${c}`] = r;
    }
  } finally {
    sink.close();
  }
  return P;
}

const rate = (r) => r.rate;
const cold = (r) => r.cold;
/** MB/s of a 10 MB text body (bodies per second × 10). */
const textMBs = (r) => r.rate * 10;

/** Target rows (the columns of renderTargets). */
export function largeTargets(R, P) {
  const rows = [];
  const row = (...args) => targetRow(rows, ...args);
  for (const [w, size] of Object.entries(WORKLOADS)) {
    const ours = R[`large.build.${w}.ours`];
    row(
      `build ${w} (${size} pdf), msgs/s`,
      ours,
      rate,
      '',
      'nodemailer MailComposer',
      R[`large.build.${w}.composer`],
      rate,
      'min',
      3,
    );
    row(
      `build ${w}, the whole message against bare base64 of its attachment`,
      ours,
      rate,
      '',
      "Buffer#toString('base64')",
      R[`large.build.${w}.bare`],
      rate,
      'min',
      0.5,
    );
  }
  for (const [w, size] of Object.entries(WORKLOADS)) {
    const ours = R[`large.smtp.${w}.ours`];
    const what = `SMTP ${w} (${size}) over one connection, msgs/s`;
    row(what, ours, rate, '', 'nodemailer pooled, 1 connection', R[`large.smtp.${w}.nodemailer`], rate, 'min', 3);
    row(what, ours, rate, '', 'raw pipelined socket (floor)', R[`large.smtp.${w}.raw`], rate, 'min', 0.5);
  }
  row('text body 10 MB, 7bit, MB/s', R['large.text.7bit.ours'], textMBs, ' MB/s', '', null, null, 'atleast', 500);
  row(
    'text body 10 MB, quoted-printable, MB/s',
    R['large.text.qp.ours'],
    textMBs,
    ' MB/s',
    '',
    null,
    null,
    'atleast',
    150,
  );
  const secs = (r) => (r.seconds ? P.fileMB / r.seconds : undefined);
  if (R['memory.ours']) {
    const what = `attachFile ${P.fileMB} MB over SMTP`;
    row(
      `${what}, file MB/s`,
      R['memory.ours'],
      secs,
      '',
      'nodemailer, path attachment',
      R['memory.nodemailer'],
      secs,
      'min',
      2,
    );
    row(
      `${what}, peak RSS growth (second release)`,
      R['memory.ours'],
      (r) => r.growthMB,
      ' MB',
      '',
      null,
      null,
      'max',
      16,
    );
  }
  return rows;
}

/** Figure rows (the columns of renderFigures: measure, ours, nodemailer, Django, other). */
export function largeFigures(R) {
  const rows = [];
  const has = (prefix) => Object.keys(R).some((k) => k.startsWith(prefix));
  const both = (r) => `${cell(r, rate)} (cold ${cell(r, cold)})`;
  if (has('large.build.')) {
    for (const [w, size] of Object.entries(WORKLOADS)) {
      const b = (c) => R[`large.build.${w}.${c}`];
      const q = ratio(b('bare')?.rate, b('ours')?.rate);
      rows.push(
        `| build ${w} (${size} distinct random pdf), msgs/s, steady (cold: the first builds of a fresh process) | ${both(b('ours'))} | ${both(b('composer'))} | | bare base64 of the attachment ${both(b('bare'))}${q ? `, ${q.toFixed(1)}× ours` : ''} |`,
      );
    }
  }
  if (has('large.text.')) {
    for (const enc of ['7bit', 'qp']) {
      const t = (c) => R[`large.text.${enc}.${c}`];
      const mbs = (r) => `${cell(r, textMBs)} (cold ${cell(r, (x) => x.cold * 10)})`;
      rows.push(
        `| text body 10 MB, ${enc === 'qp' ? 'quoted-printable' : '7bit'}, MB/s steady (cold) | ${mbs(t('ours'))} | ${mbs(t('composer'))} | | |`,
      );
    }
  }
  if (has('large.smtp.')) {
    for (const [w, size] of Object.entries(WORKLOADS)) {
      const s = (c) => R[`large.smtp.${w}.${c}`];
      const mbs = (r) => cell(r, (x) => (x.rate * (w === 'invoice' ? 2 : 10) * 4) / 3);
      rows.push(
        `| SMTP ${w} (${size}) over one connection, msgs/s (wire MB/s) | ${cell(s('ours'), rate)} (${mbs(s('ours'))}) | ${cell(s('nodemailer'), rate)} (${mbs(s('nodemailer'))}) | | raw pipelined floor ${cell(s('raw'), rate)} (${mbs(s('raw'))}) |`,
      );
    }
  }
  return rows;
}
