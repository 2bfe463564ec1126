/**
 * Renders the results of run.mjs as two markdown tables: the targets of
 * design/PERFORMANCE.md (figure, peer, ratio, PASS/FAIL) and every figure.
 */

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** A cell for a result: its figure, or why there is none. */
export function cell(r, pick, unit = '') {
  if (!r) return '—';
  if (r.skipped) return 'skipped';
  if (r.error) return `error: ${r.error.replace(/\|/g, '\\|')}`;
  const v = pick(r);
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  return `${v >= 100 ? int.format(v) : one.format(v)}${unit}`;
}

/** ours / peer when both are figures, else null. */
export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
}

const rate = (r) => r?.rate;
const figure = (r, pick) => (r && !r.error && !r.skipped ? pick(r) : undefined);

/** The SMTP figure of ours: the better of one batch and eight batches over the one connection. */
function oursSmtp(results) {
  const a = figure(results['smtp.reuse.ours'], rate);
  const b = figure(results['smtp.reuse.ours-batches'], rate);
  if (a === undefined && b === undefined) return { r: results['smtp.reuse.ours'], v: undefined };
  const v = Math.max(a ?? 0, b ?? 0);
  return { r: { rate: v }, v };
}

/**
 * Adds one target row to `rows`: ours against a peer (`cmp` 'min': ratio ≥ need, 'le': ratio ≤ need)
 * or against a bound (`cmp` 'max': figure ≤ need, 'atleast': figure ≥ need). Nothing when neither
 * result is there (the section was not run).
 */
export function targetRow(rows, what, oursR, oursPick, unit, peerName, peerR, peerPick, cmp, need) {
  if (oursR === undefined && peerR === undefined) return;
  const ov = figure(oursR, oursPick);
  const pv = figure(peerR, peerPick);
  let verdict;
  let ratioCell = '—';
  if (cmp === 'max' || cmp === 'atleast') {
    const ok = cmp === 'max' ? ov <= need : ov >= need;
    verdict = ov === undefined ? (oursR?.skipped ? 'SKIP' : 'ERROR') : ok ? 'PASS' : 'FAIL';
  } else {
    const q = ratio(ov, pv);
    if (q !== null) ratioCell = `${q < 1 ? q.toFixed(2) : one.format(q)}×`;
    if (peerR?.skipped) verdict = 'SKIP';
    else if (q === null) verdict = 'ERROR';
    else if (cmp === 'min') verdict = q >= need ? 'PASS' : 'FAIL';
    else verdict = q <= need ? 'PASS' : 'FAIL';
  }
  const needCell =
    cmp === 'max'
      ? `≤ ${need}${unit}`
      : cmp === 'atleast'
        ? `≥ ${need}${unit}`
        : cmp === 'min'
          ? `≥ ${need}×`
          : `≤ ${need}×`;
  rows.push(
    `| ${what} | ${cell(oursR, oursPick, unit)} | ${peerName} | ${peerR === null ? '' : cell(peerR, peerPick, unit)} | ${ratioCell} | ${needCell} | ${verdict} |`,
  );
}

export function renderTargets(results, P, more = []) {
  const rows = [];
  const row = (...args) => targetRow(rows, ...args);
  const R = results;
  row('build rich, msgs/s', R['build.rich.ours'], rate, '', 'Django 3.2', R['build.rich.django'], rate, 'min', 5);
  row(
    'build rich, msgs/s',
    R['build.rich.ours'],
    rate,
    '',
    'nodemailer MailComposer',
    R['build.rich.composer'],
    rate,
    'min',
    4,
  );
  const smtp = oursSmtp(R);
  const smtpWhat = `SMTP ${P.smtpCount} rich over one connection, msgs/s`;
  if (R['smtp.reuse.ours']) {
    row(smtpWhat, smtp.r, rate, '', 'Django 3.2 reused connection', R['smtp.reuse.django'], rate, 'min', 3);
    row(smtpWhat, smtp.r, rate, '', 'raw pipelined socket (floor)', R['smtp.reuse.raw'], rate, 'min', 0.5);
  }
  const growth = (r) => r.growthMB;
  row(
    `attachFile ${P.fileMB} MB over SMTP, peak RSS growth`,
    R['memory.ours'],
    growth,
    ' MB',
    'nodemailer, path attachment',
    R['memory.nodemailer'],
    growth,
    'max',
    32,
  );
  const ms = (r) => r.ms;
  row("cold import('@mail/core'), ms", R['import.core'], ms, ' ms', "node -e ''", R['import.node'], ms, 'le', 2);
  row(
    'locmem backend, rich msgs/s',
    R['locmem.rich'],
    (r) => r.locmem,
    '',
    'build alone (same process)',
    R['locmem.rich'],
    (r) => r.build,
    'min',
    0.5,
  );
  const cold = (r) => r.cold;
  for (const c of ['ours', 'ours-distinct']) {
    row(
      `cold start: the first 2,000 rich builds of a fresh process${c === 'ours' ? '' : ', distinct attachments'}, msgs/s`,
      R[`build.rich.${c}`],
      cold,
      '',
      'steady rate, same process',
      R[`build.rich.${c}`],
      rate,
      'min',
      0.5,
    );
  }
  return [
    '| target | ours | vs | peer | ratio | needed | result |',
    '| --- | ---: | --- | ---: | ---: | --- | --- |',
    ...rows,
    ...more,
  ].join('\n');
}

/** Build and wire in series, no overlap: 1 / (1 / build + 1 / floor). */
function modelCell(R) {
  const b = figure(R['build.rich.ours'], rate);
  const f = figure(R['smtp.reuse.raw'], rate);
  return b && f ? `build then wire in series: ${int.format(1 / (1 / b + 1 / f))}` : '';
}

export function renderFigures(results, P, more = []) {
  const R = results;
  const rows = [];
  const has = (prefix) => Object.keys(R).some((k) => k.startsWith(prefix));
  if (has('build.')) {
    for (const w of ['rich', 'plain']) {
      const distinct = R[`build.${w}.ours-distinct`]
        ? `; ours, each message with its own copy of the attachment ${cell(R[`build.${w}.ours-distinct`], rate)}`
        : '';
      rows.push(
        `| build ${w}, msgs/s | ${cell(R[`build.${w}.ours`], rate)} | ${cell(R[`build.${w}.composer`], rate)} (MailComposer) | ${cell(R[`build.${w}.django`], rate)} | encoders alone ${cell(R[`build.${w}.encoders`], rate)}${distinct} |`,
      );
    }
    for (const w of ['rich', 'plain']) {
      const coldCell = (c) => cell(R[`build.${w}.${c}`], (r) => r.cold);
      rows.push(
        `| build ${w}, the first 2,000 builds of a fresh process (cold), msgs/s | ${coldCell('ours')} | ${coldCell('composer')} | | ${w === 'rich' ? `ours-distinct ${coldCell('ours-distinct')}; ` : ''}encoders alone ${coldCell('encoders')} |`,
      );
    }
    const size = (r) => r.bytes;
    rows.push(
      `| rich message size, bytes | ${cell(R['build.rich.ours'], size)} | ${cell(R['build.rich.composer'], size)} | ${cell(R['build.rich.django'], size)} | encoders alone ${cell(R['build.rich.encoders'], size)} |`,
    );
  }
  if (has('smtp.')) {
    rows.push(
      `| SMTP ${P.smtpCount} rich over one connection, msgs/s | ${cell(R['smtp.reuse.ours'], rate)} (1 batch), ${cell(R['smtp.reuse.ours-batches'], rate)} (8 batches) | ${cell(R['smtp.reuse.nodemailer'], rate)} (pool, 1 connection) | ${cell(R['smtp.reuse.django'], rate)} | raw pipelined floor ${cell(R['smtp.reuse.raw'], rate)} (1 round trip a message), ${cell(R['smtp.reuse.raw-2trips'], rate)} (2 round trips) |`,
    );
    rows.push(
      `| the same, each message with its own copy of the attachment (no base64 reused between messages) | ${cell(R['smtp.reuse.ours-distinct'], rate)} (1 batch) | | | |`,
    );
    rows.push(
      `| the same, our builder feeding the raw pipelined client (what PIPELINING would reach) | ${cell(R['smtp.reuse.ours-pipelined'], rate)} | | | ${modelCell(R)} |`,
    );
    rows.push(
      `| the same, prebuilt bytes through nodemailer's SMTPConnection.send() (a message per call, two round trips each: the ceiling of a backend sending through it) | | ${cell(R['smtp.reuse.lockstep'], rate)} | | |`,
    );
    rows.push(
      `| SMTP ${P.newCount} rich, a new connection each, msgs/s | ${cell(R['smtp.new.ours'], rate)} | ${cell(R['smtp.new.nodemailer'], rate)} | ${cell(R['smtp.new.django'], rate)} | raw ${cell(R['smtp.new.raw'], rate)} |`,
    );
  }
  if (has('memory.')) {
    const growth = (r) => r.growthMB;
    const secs = (r) => (r.seconds ? P.fileMB / r.seconds : undefined);
    rows.push(
      `| attachFile ${P.fileMB} MB over SMTP, peak RSS growth | ${cell(R['memory.ours'], growth, ' MB')} | ${cell(R['memory.nodemailer'], growth, ' MB')} | not run (≈ 2,000 MB) | |`,
    );
    rows.push(`| the same, file MB/s | ${cell(R['memory.ours'], secs)} | ${cell(R['memory.nodemailer'], secs)} | | |`);
  }
  if (has('import.')) {
    const ms = (r) => r.ms;
    rows.push(
      `| cold import, median ms | ${cell(R['import.core'], ms, ' ms')} | ${cell(R['import.nodemailer'], ms, ' ms')} | | node -e '' ${cell(R['import.node'], ms, ' ms')} |`,
    );
  }
  if (has('locmem.')) {
    for (const w of ['rich', 'plain']) {
      const r = R[`locmem.${w}`];
      rows.push(`| locmem ${w}, msgs/s | ${cell(r, (x) => x.locmem)} | | | build alone ${cell(r, (x) => x.build)} |`);
    }
  }
  return [
    '| measure | ours | nodemailer | Django 3.2 | other |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    ...more,
  ].join('\n');
}
