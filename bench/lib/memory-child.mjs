/**
 * Peak memory of sending one message with a large file attachment over
 * SMTP: `node --expose-gc memory-child.mjs <ours|ours-dkim|nodemailer> <file> <host> <port>`.
 * Growth is the kernel's peak RSS (VmHWM, reset through /proc/self/clear_refs
 * just before the send) minus the RSS at that moment; an RSS sample every
 * 5 ms is the fallback where clear_refs is not writable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { report } from './measure.mjs';

const [contender, file, host, portArg] = process.argv.slice(2);
const port = Number(portArg);
const MB = 1024 * 1024;

function status(field) {
  const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) * 1024 : null;
}
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // Linux ≥ 4.0: resets VmHWM to the current RSS
    return true;
  } catch {
    return false;
  }
}

async function oursSender(signed = false) {
  const { EmailMessage } = await import('@mail/core');
  const { generateKeyPairSync } = await import('node:crypto');
  const dkim = signed
    ? {
        domainName: 'example.com',
        keySelector: 'bench',
        privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      }
    : undefined;
  const { EmailBackend } = await import('@mail/backend-smtp');
  return async (path) => {
    const msg = new EmailMessage({
      subject: 'Big file',
      body: 'See attached.',
      fromEmail: 'a@example.com',
      to: ['b@example.org'],
    });
    if (path) msg.attachFile(path, 'application/octet-stream');
    const backend = new EmailBackend({ host, port, ...(dkim ? { dkim } : {}) });
    return backend.sendMessages([msg]);
  };
}

async function nodemailerSender() {
  const { default: nodemailer } = await import('nodemailer');
  return async (path) => {
    const transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'a@example.com',
      to: 'b@example.org',
      subject: 'Big file',
      text: 'See attached.',
      attachments: path ? [{ path, contentType: 'application/octet-stream' }] : [],
    });
    return 1;
  };
}

const send = await (contender === 'nodemailer' ? nodemailerSender() : oursSender(contender === 'ours-dkim'));
await send(null); // load and warm every module the send needs
globalThis.gc?.();
const baseline = process.memoryUsage.rss();
const peakReset = resetPeak();
let sampled = baseline;
const timer = setInterval(() => {
  sampled = Math.max(sampled, process.memoryUsage.rss());
}, 5);
const start = performance.now();
const sent = await send(file);
const seconds = (performance.now() - start) / 1000;
clearInterval(timer);
const hwm = peakReset ? status('VmHWM') : null;
const peak = Math.max(sampled, hwm ?? 0);
report({
  sent,
  seconds,
  baselineMB: baseline / MB,
  growthMB: (peak - baseline) / MB,
  sampledGrowthMB: (sampled - baseline) / MB,
  hwm: hwm !== null,
});
