/**
 * One contender of the "large" section (big attachments, big text bodies) in its own process:
 *
 *   node large-child.mjs build <ours|composer|bare> <invoice|large> <count>
 *   node large-child.mjs text <ours|composer> <7bit|qp> <count>
 *   node large-child.mjs smtp <ours|nodemailer|raw> <invoice|large> <count> <host> <port>
 *
 * Every message carries content of its own (an attachment of random bytes taken at a different
 * offset of a random pool, a body cut at a different line of a text pool), made before its clock
 * starts, so no cache can serve a message from an earlier one and the preparation is not timed.
 * A build run reports the cold rate (the first `count` builds of this fresh process) and the
 * steady one (the best of a few rounds of `count` after a warm-up).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { report } from './measure.mjs';
import { dotStuff, sendPipelined } from './raw-client.mjs';

const [kind, contender, workload, countArg, host, portArg] = process.argv.slice(2);
const count = Number(countArg);
const MB = 1024 * 1024;
const ROUNDS = 3;

/** Attachment sizes of the two workloads: an invoice PDF and a large file. */
export const SIZES = { invoice: 2 * MB, large: 10 * MB };
const SHIFTS = 4096;

/** Attachment i: `size` random bytes, a copy of the pool at an offset of its own (distinct content). */
function attachments(size) {
  const pool = randomBytes(size + SHIFTS);
  return (i) => {
    const b = Buffer.allocUnsafe(size);
    const at = (i * 977) % SHIFTS;
    pool.copy(b, 0, at, at + size);
    return b;
  };
}

/** Text bodies of 10 MB: ASCII lines (7bit), or French prose with accents (quoted-printable). */
function bodies(encoding) {
  const words =
    encoding === '7bit'
      ? ['invoice', 'total', 'amount', 'due', 'shipping', 'order', 'item', 'quantity', 'price', 'tax', 'of', 'the']
      : // about one word in four with an accent, as in French prose
        ['réunion', 'à', 'été', 'prévue', 'le', 'la', 'ordre', 'du', 'jour', 'pour', 'les', 'membres', 'nous', 'vous'];
  const lines = [];
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  let length = 0;
  while (length < 10 * MB + 64 * 1024) {
    let line = '';
    while (line.length < 60) line += `${words[rnd() % words.length]}${rnd() % 9 === 0 ? '. ' : ' '}`;
    line = `${line.trimEnd()}\n`;
    lines.push(line);
    length += line.length;
  }
  const pool = Buffer.from(lines.join(''), 'utf8');
  // line starts, so a body cut there starts on a character (and a line) boundary
  const starts = [0];
  for (let at = pool.indexOf(10); at !== -1 && starts.length < 1000; at = pool.indexOf(10, at + 1)) starts.push(at + 1);
  return (i) => {
    const from = starts[i % starts.length];
    let to = from + 10 * MB;
    while (pool[to] !== 10) to--;
    return pool.toString('utf8', from, to + 1);
  };
}

async function oursBuild(workload) {
  const { EmailMessage } = await import('@mail/core');
  const attachment = attachments(SIZES[workload]);
  return {
    prepare: (i) => {
      const msg = new EmailMessage({
        subject: `Invoice ${i}`,
        body: 'Please find your invoice attached.\nThank you.',
        fromEmail: 'billing@example.com',
        to: [`customer${i}@example.org`],
      });
      msg.attach(`invoice-${i}.pdf`, attachment(i), 'application/pdf');
      return msg;
    },
    run: (msg) => msg.message().asBytes(),
  };
}

function composerOptions(i, content) {
  return {
    from: 'billing@example.com',
    to: `customer${i}@example.org`,
    subject: `Invoice ${i}`,
    text: 'Please find your invoice attached.\nThank you.',
    attachments: [{ filename: `invoice-${i}.pdf`, content, contentType: 'application/pdf' }],
  };
}

async function composerBuild(workload) {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const attachment = attachments(SIZES[workload]);
  return {
    prepare: (i) => composerOptions(i, attachment(i)),
    run: (opts) => new MailComposer(opts).compile().build(),
  };
}

async function bareBuild(workload) {
  const attachment = attachments(SIZES[workload]);
  return { prepare: attachment, run: (bytes) => bytes.toString('base64') };
}

async function oursText(encoding) {
  const { EmailMessage } = await import('@mail/core');
  const body = bodies(encoding);
  return {
    prepare: (i) =>
      new EmailMessage({ subject: `Report ${i}`, body: body(i), fromEmail: 'a@example.com', to: ['b@example.org'] }),
    run: (msg) => msg.message().asBytes(),
  };
}

async function composerText(encoding) {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const body = bodies(encoding);
  return {
    prepare: (i) => ({ from: 'a@example.com', to: 'b@example.org', subject: `Report ${i}`, text: body(i) }),
    run: (opts) => new MailComposer(opts).compile().build(),
  };
}

/** Rate of `run` over `n` prepared inputs, only the runs timed. */
async function timed({ prepare, run }, from, n) {
  let ms = 0;
  let bytes = 0;
  for (let i = from; i < from + n; i++) {
    const input = prepare(i);
    const start = performance.now();
    const out = await run(input);
    ms += performance.now() - start;
    bytes = out.length;
  }
  return { rate: (n * 1000) / ms, bytes };
}

async function buildRun(contender) {
  const cold = await timed(contender, 0, count);
  await timed(contender, count, count); // warm-up
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) rates.push((await timed(contender, (r + 2) * count, count)).rate);
  return { rate: Math.max(...rates), rates, cold: cold.rate, bytes: cold.bytes };
}

async function smtpRun(contender, workload) {
  const attachment = attachments(SIZES[workload]);
  const ids = (from, n) => Array.from({ length: n }, (_, k) => from + k);
  let send;
  if (contender === 'ours') {
    const { EmailMessage } = await import('@mail/core');
    const { EmailBackend } = await import('@mail/backend-smtp');
    send = async (list) => {
      const backend = new EmailBackend({ host, port: Number(portArg) });
      await backend.open();
      const messages = list.map(({ i, bytes }) => {
        const msg = new EmailMessage({
          subject: `Invoice ${i}`,
          body: 'Please find your invoice attached.\nThank you.',
          fromEmail: 'billing@example.com',
          to: [`customer${i}@example.org`],
        });
        msg.attach(`invoice-${i}.pdf`, bytes, 'application/pdf');
        return msg;
      });
      const sent = await backend.sendMessages(messages);
      await backend.close();
      return sent;
    };
  } else if (contender === 'nodemailer') {
    const { default: nodemailer } = await import('nodemailer');
    send = async (list) => {
      const transport = nodemailer.createTransport({
        host,
        port: Number(portArg),
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      const infos = await Promise.all(list.map(({ i, bytes }) => transport.sendMail(composerOptions(i, bytes))));
      transport.close();
      return infos.length;
    };
  } else {
    // the floor: the same messages built by nodemailer and dot-stuffed before the clock starts
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
    const prebuilt = async (list) => {
      const out = [];
      for (const { i, bytes } of list) {
        const wire = await new MailComposer(composerOptions(i, bytes)).compile().build();
        out.push({ from: 'billing@example.com', rcpts: [`customer${i}@example.org`], bytes: dotStuff(wire) });
      }
      return out;
    };
    send = (list) => sendPipelined(host, Number(portArg), list);
    send.prepare = prebuilt;
  }
  const rounds = [];
  for (let r = 0; r <= ROUNDS; r++) {
    let list = ids(r * count, r === 0 ? Math.min(count, 3) : count).map((i) => ({ i, bytes: attachment(i) }));
    if (send.prepare) list = await send.prepare(list);
    const start = performance.now();
    const sent = await send(list);
    const seconds = (performance.now() - start) / 1000;
    if (sent !== list.length) throw new Error(`sent ${sent} of ${list.length}`);
    if (r > 0) rounds.push(sent / seconds); // round 0 warms up
  }
  return { rate: Math.max(...rounds), rates: rounds, sent: ROUNDS * count };
}

const builders = { ours: oursBuild, composer: composerBuild, bare: bareBuild };
const texts = { ours: oursText, composer: composerText };
let result;
if (kind === 'build') result = await buildRun(await builders[contender](workload));
else if (kind === 'text') result = await buildRun(await texts[contender](workload));
else result = await smtpRun(contender, workload);
report(result);
