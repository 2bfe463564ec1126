/**
 * One contender of the `pool` section in its own process:
 * `node pool-child.mjs <ours|nodemailer> <plain|rich> <count> <host> <port> <connections> [msgsPerSecond]`.
 * Every message is its own send call (ours: `sendMail()` for plain, `message.send()` for rich;
 * nodemailer: `transport.sendMail()`), all `count` issued at once through one pooled mailer of
 * `connections` connections (no cap on messages per connection), after a warm-up of 1,000 on the
 * same pool (so a connection count of the whole run is the pool's). With a rate limit, the
 * warm-up goes through a pool without one and the timed run through the limited pool.
 * The clock runs from issuing the first call to the last one settling.
 */
import { performance } from 'node:perf_hooks';
import { nodemailerMail, oursMessages } from './contenders.mjs';
import { report } from './measure.mjs';
import * as W from './workload.mjs';

const [contender, workload, countArg, host, portArg, connectionsArg, rateArg] = process.argv.slice(2);
const count = Number(countArg);
const port = Number(portArg);
const connections = Number(connectionsArg);
const limit = rateArg ? Number(rateArg) : null;
const WARMUP = 1000;
const range = (n, from = 0) => Array.from({ length: n }, (_, k) => from + k);

async function ours() {
  const { configure, sendMail } = await import('@mail/core');
  const { EmailBackend } = await import('@mail/backend-smtp');
  const options = {
    host,
    port,
    pool: { maxConnections: connections, maxMessagesPerConnection: Number.POSITIVE_INFINITY },
  };
  configure({
    mailers: {
      default: { backend: EmailBackend, options },
      limited: {
        backend: EmailBackend,
        options: limit ? { ...options, rateLimit: { messages: limit, perMs: 1000 } } : options,
      },
    },
  });
  const make = workload === 'rich' ? await oursMessages('rich') : null;
  const send = (i, using) =>
    make
      ? make(i).send({ using })
      : sendMail({
          subject: W.plainSubject(i),
          message: W.PLAIN_TEXT,
          fromEmail: W.PLAIN_FROM,
          recipientList: W.plainTo(i),
          using,
        });
  return (ids, using) => Promise.all(ids.map((i) => send(i, using)));
}

async function nodemailer() {
  const { default: nm } = await import('nodemailer');
  const transport = (rate) =>
    nm.createTransport({
      host,
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: connections,
      maxMessages: Number.POSITIVE_INFINITY,
      ...(rate ? { rateDelta: 1000, rateLimit: rate } : {}),
    });
  const transports = { default: transport(null), limited: limit ? transport(limit) : null };
  transports.limited ??= transports.default;
  const run = (ids, using) => Promise.all(ids.map((i) => transports[using].sendMail(nodemailerMail(workload, i))));
  run.close = () => {
    transports.default.close();
    transports.limited.close();
  };
  return run;
}

const run = contender === 'ours' ? await ours() : await nodemailer();
await run(range(WARMUP, count), 'default');
const start = performance.now();
const sent = (await run(range(count), limit ? 'limited' : 'default')).length;
const seconds = (performance.now() - start) / 1000;
run.close?.();
report({ rate: sent / seconds, seconds, sent, warmup: WARMUP });
