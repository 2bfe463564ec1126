/**
 * The `events` bench section: what send events and hooks cost. The dummy backend (build and
 * checks through the base contract) and locmem, each with no one listening, with a subscriber on
 * `tracingChannel('mail:send')`, and with a subscriber and an `onSent` hook; rich and plain.
 * Target: no one listening costs nothing (the quiet rows are the `locmem` section's rates), and a
 * subscriber costs little beside the build.
 */
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ok = (r) => r && !r.error && !r.skipped;

export const eventsSection = {
  name: 'events',
  async run({ node, passes, results, P }) {
    const best = await passes('events', ['rich', 'plain'], (w) => node('events-child.mjs', [w, P.roundMs, P.rounds]));
    for (const [w, r] of Object.entries(best)) results[`events.${w}`] = r;
  },
  render(R) {
    const rows = [];
    for (const w of ['rich', 'plain']) {
      const r = R[`events.${w}`];
      for (const backend of ['dummy', 'locmem']) {
        if (!ok(r)) {
          rows.push(`| ${w}, ${backend} | ${r?.error ?? r?.skipped ?? 'not run'} | | | | |`);
          continue;
        }
        const q = r[`${backend}.quiet`];
        const s = r[`${backend}.subscribed`];
        const h = r[`${backend}.hooked`];
        rows.push(
          `| ${w}, ${backend} | ${int.format(q)} | ${int.format(s)} | ${(s / q).toFixed(2)}× | ${int.format(h)} | ${(h / q).toFixed(2)}× |`,
        );
      }
    }
    return [
      '## Send events and hooks',
      '',
      'One `sendMessages([msg])` per message; dummy is the build and checks of the base contract with nothing kept.',
      '',
      '| workload, backend | no one listening, msgs/s | a `mail:send` subscriber | ratio | subscriber + `onSent` hook | ratio |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
  },
};
