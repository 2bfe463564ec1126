/**
 * The floor: prebuilt, dot-stuffed bytes written to a raw socket with
 * PIPELINING (RFC 2920). Per message one round trip, the least a client may
 * wait: the message content, its terminator and the next transaction's
 * MAIL, RCPT and DATA go in one write (§3.1: DATA ends a group, the content
 * starts the next), then the client waits for the replies and the 354.
 */

import { once } from 'node:events';
import net from 'node:net';

const LF_DOT = Buffer.from('\n.');
const DOT = Buffer.from('.');
const CRLF = Buffer.from('\r\n');

/**
 * RFC 5321 §4.5.2: a line starting with "." gets another "."; the result ends
 * with CRLF so the terminator can follow. A native indexOf scan, copying only
 * when a line does start with a dot (rare in base64 and quoted-printable).
 */
export function dotStuff(bytes) {
  const parts = [];
  let from = 0;
  if (bytes[0] === 0x2e) parts.push(DOT);
  for (let at = bytes.indexOf(LF_DOT); at !== -1; at = bytes.indexOf(LF_DOT, at + 2)) {
    parts.push(bytes.subarray(from, at + 1), DOT);
    from = at + 1;
  }
  const endsWithCrlf = bytes.length >= 2 && bytes[bytes.length - 2] === 0x0d && bytes[bytes.length - 1] === 0x0a;
  if (parts.length === 0 && endsWithCrlf) return bytes;
  parts.push(bytes.subarray(from));
  if (!endsWithCrlf) parts.push(CRLF);
  return Buffer.concat(parts);
}

/** Counts final reply lines ("250 ", not "250-") and lets the caller wait for n more. */
function replyCounter(socket) {
  let text = '';
  let finals = 0;
  let waiter = null;
  let failure = null;
  const settle = () => {
    if (!waiter) return;
    if (failure) waiter.reject(failure);
    else if (finals >= waiter.target) waiter.resolve();
    else return;
    waiter = null;
  };
  socket.on('data', (d) => {
    text += d.toString('latin1');
    let nl;
    while ((nl = text.indexOf('\r\n')) !== -1) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 2);
      if (line[3] === '-') continue;
      if (line[0] !== '2' && line[0] !== '3') failure ??= new Error(`sink replied ${line}`);
      finals++;
    }
    settle();
  });
  socket.on('error', (e) => {
    failure ??= e;
    settle();
  });
  return (n) =>
    new Promise((resolve, reject) => {
      waiter = { target: finals + n, resolve, reject };
      settle();
    });
}

function envelope(from, rcpts) {
  return `MAIL FROM:<${from}>\r\n${rcpts.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`;
}

async function connect(host, port) {
  const socket = net.connect({ host, port, noDelay: true });
  const replies = replyCounter(socket);
  await replies(1); // 220 greeting
  socket.write('EHLO bench.localhost\r\n');
  await replies(1);
  return { socket, replies };
}

/**
 * Sends every `{ from, rcpts, bytes }` over one connection; resolves to the
 * count. `bytes` may be a function returning the (dot-stuffed) bytes or a
 * promise of them: it is called for message i + 1 right after message i is
 * written, so building the next message overlaps the wait for the replies,
 * as a pipelined client with a builder would do it. `twoTrips` waits for the
 * reply to each message's content before writing the next envelope.
 */
export async function sendPipelined(host, port, messages, { twoTrips = false } = {}) {
  const { socket, replies } = await connect(host, port);
  const bytesOf = (m) => (typeof m.bytes === 'function' ? m.bytes() : m.bytes);
  const first = messages[0];
  socket.write(envelope(first.from, first.rcpts));
  let pending = bytesOf(first);
  await replies(first.rcpts.length + 2);
  for (let i = 0; i < messages.length; i++) {
    const next = messages[i + 1];
    const bytes = await pending;
    socket.cork();
    socket.write(bytes);
    if (twoTrips) {
      // the cautious variant: wait for the 250 to this message before the next envelope
      socket.write('.\r\n');
      socket.uncork();
      await replies(1);
      socket.write(next ? envelope(next.from, next.rcpts) : 'QUIT\r\n');
    } else {
      socket.write(`.\r\n${next ? envelope(next.from, next.rcpts) : 'QUIT\r\n'}`);
      socket.uncork();
    }
    const answered = replies(next ? next.rcpts.length + (twoTrips ? 2 : 3) : twoTrips ? 1 : 2);
    if (next) pending = bytesOf(next);
    await answered;
  }
  socket.end();
  await once(socket, 'close');
  return messages.length;
}

/** Sends each message over its own connection (still pipelined within it). */
export async function sendEachOnNewConnection(host, port, messages) {
  for (const m of messages) {
    const { socket, replies } = await connect(host, port);
    socket.write(envelope(m.from, m.rcpts));
    await replies(m.rcpts.length + 2);
    socket.cork();
    socket.write(m.bytes);
    socket.write('.\r\nQUIT\r\n');
    socket.uncork();
    await replies(2);
    socket.end();
    await once(socket, 'close');
  }
  return messages.length;
}
