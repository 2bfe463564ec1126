/**
 * One SMTP contender in its own process:
 * `node smtp-child.mjs <ours|ours-batches|ours-distinct|ours-pipelined|lockstep|nodemailer|raw|raw-2trips> <reuse|new> <count> <host> <port> [reps]`.
 * The clock runs from before the first message object is made to after the
 * connection is closed; a warm-up on a connection of its own comes first.
 */
import { performance } from 'node:perf_hooks';
import { composerBuilder, nodemailerMail, oursMessages } from './contenders.mjs';
import { report } from './measure.mjs';
import { dotStuff, sendEachOnNewConnection, sendPipelined } from './raw-client.mjs';
import { richRcpt } from './workload.mjs';

const [contender, mode, countArg, host, portArg, repsArg = '1'] = process.argv.slice(2);
const reps = Number(repsArg);
const count = Number(countArg);
const port = Number(portArg);
const WARMUP = mode === 'new' ? 20 : count;
const range = (n, from = 0) => Array.from({ length: n }, (_, k) => from + k);

async function oursRunner(batches, distinct = false) {
  const { EmailBackend } = await import('@mail/backend-smtp');
  const make = await oursMessages('rich', { distinct });
  if (mode === 'new') {
    const backend = new EmailBackend({ host, port });
    // a backend that is not open opens and closes around each sendMessages()
    return async (ids) => {
      let sent = 0;
      for (const i of ids) sent += await backend.sendMessages([make(i)]);
      return sent;
    };
  }
  return async (ids) => {
    const backend = new EmailBackend({ host, port });
    await backend.open();
    let sent = 0;
    const size = Math.ceil(ids.length / batches);
    for (let b = 0; b < ids.length; b += size) sent += await backend.sendMessages(ids.slice(b, b + size).map(make));
    await backend.close();
    return sent;
  };
}

async function nodemailerRunner() {
  const { default: nodemailer } = await import('nodemailer');
  if (mode === 'new') {
    const transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true });
    return async (ids) => {
      for (const i of ids) await transport.sendMail(nodemailerMail('rich', i));
      return ids.length;
    };
  }
  return async (ids) => {
    // maxMessages: Infinity keeps the one connection for the whole run (the default recycles it every 100)
    const transport = nodemailer.createTransport({
      host,
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    const infos = await Promise.all(ids.map((i) => transport.sendMail(nodemailerMail('rich', i))));
    transport.close();
    return infos.length;
  };
}

async function rawRunner(twoTrips = false) {
  // the bytes are built before the clock starts: this is the cost of the wire alone
  const build = await composerBuilder('rich');
  const prebuilt = new Map();
  for (const i of range(count + WARMUP)) {
    prebuilt.set(i, { from: 'zoe@example.com', rcpts: richRcpt(i), bytes: dotStuff(await build(i)) });
  }
  const send = mode === 'new' ? sendEachOnNewConnection : sendPipelined;
  return (ids) =>
    send(
      host,
      port,
      ids.map((i) => prebuilt.get(i)),
      { twoTrips },
    );
}

async function oursPipelinedRunner() {
  // not a product path: our builder feeding the raw pipelined client, to show
  // what the smtp backend could reach with PIPELINING and one build of look-ahead
  const make = await oursMessages('rich');
  return (ids) =>
    sendPipelined(
      host,
      port,
      ids.map((i) => ({
        from: 'zoe@example.com',
        rcpts: richRcpt(i),
        bytes: () => make(i).message().asBytes().then(dotStuff),
      })),
    );
}

async function lockstepRunner() {
  // not a product path: nodemailer's SMTPConnection (what the smtp backend drives) sending
  // prebuilt bytes, to separate its round trips (one send() a message: the envelope, pipelined
  // when offered, then the content) and its DataStream dot-stuffing from the cost of building
  const { default: SMTPConnection } = await import('nodemailer/lib/smtp-connection');
  const build = await composerBuilder('rich');
  const prebuilt = new Map();
  for (const i of range(count + WARMUP)) prebuilt.set(i, await build(i));
  return async (ids) => {
    const conn = new SMTPConnection({ host, port, secure: false, ignoreTLS: true, logger: false });
    await new Promise((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    for (const i of ids) {
      await new Promise((resolve, reject) =>
        conn.send({ from: 'zoe@example.com', to: richRcpt(i) }, prebuilt.get(i), (e) => (e ? reject(e) : resolve())),
      );
    }
    conn.quit();
    return ids.length;
  };
}

const runners = {
  lockstep: lockstepRunner,
  'ours-pipelined': oursPipelinedRunner,
  ours: () => oursRunner(1),
  'ours-batches': () => oursRunner(8),
  // not a target figure: every message with its own attachment buffer (no base64 reuse)
  'ours-distinct': () => oursRunner(1, true),
  nodemailer: nodemailerRunner,
  raw: () => rawRunner(false),
  'raw-2trips': () => rawRunner(true),
};
const run = await runners[contender]();
await run(range(Math.min(WARMUP, count), count));
// the best of a few timed runs: short runs on a noisy machine scatter
const rates = [];
for (let r = 0; r < reps; r++) {
  const start = performance.now();
  const sent = await run(range(count));
  rates.push(sent / ((performance.now() - start) / 1000));
}
report({ rate: Math.max(...rates), rates, sent: count * reps, warmup: Math.min(WARMUP, count) });
