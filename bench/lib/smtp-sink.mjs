/**
 * The SMTP sink: a minimal raw `net` server, run in its own process
 * (child_process.fork) so its work does not count against the client. It
 * answers every command at once, advertises PIPELINING, 8BITMIME, SMTPUTF8
 * and SIZE, and swallows DATA, answering each command group with one write.
 * Over IPC: sends `{ port }` when listening; answers `'stats'` with
 * `{ messages, bytes, connections }`.
 */
import net from 'node:net';

const TERMINATOR = Buffer.from('\r\n.\r\n'); // RFC 5321 §4.1.1.4: end of mail data
const CRLF = Buffer.from('\r\n');
const EHLO =
  '250-sink.localhost\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE 1073741824\r\n250 ENHANCEDSTATUSCODES\r\n';

let messages = 0;
let bytes = 0;
let connections = 0;

function session(socket) {
  connections++;
  socket.setNoDelay(true);
  let inData = false;
  // command mode: bytes of an unfinished line; data mode: the last <= 4 bytes
  // seen, so a terminator split across two chunks is still found
  let carry = Buffer.alloc(0);

  socket.on('data', (chunk) => {
    let out = '';
    let buf = chunk;
    while (buf.length > 0) {
      if (inData) {
        let end = -1;
        if (carry.length > 0) {
          const joint = Buffer.concat([carry, buf.subarray(0, 4)]);
          const j = joint.indexOf(TERMINATOR);
          if (j !== -1) end = j + TERMINATOR.length - carry.length;
        }
        if (end === -1) {
          const j = buf.indexOf(TERMINATOR);
          if (j !== -1) end = j + TERMINATOR.length;
        }
        if (end === -1) {
          bytes += buf.length;
          carry = Buffer.from(
            buf.length >= 4 ? buf.subarray(buf.length - 4) : Buffer.concat([carry, buf]).subarray(-4),
          );
          break;
        }
        bytes += end;
        messages++;
        out += `250 2.0.0 Ok: queued as ${messages}\r\n`;
        inData = false;
        carry = Buffer.alloc(0);
        buf = buf.subarray(end);
        continue;
      }
      if (carry.length > 0) {
        // commands are short: joining keeps a CRLF split across chunks findable
        buf = Buffer.concat([carry, buf]);
        carry = Buffer.alloc(0);
      }
      const nl = buf.indexOf(CRLF);
      if (nl === -1) {
        carry = Buffer.from(buf);
        break;
      }
      const line = buf.toString('latin1', 0, nl);
      buf = buf.subarray(nl + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'MAIL') out += '250 2.1.0 Ok\r\n';
      else if (verb === 'RCPT') out += '250 2.1.5 Ok\r\n';
      else if (verb === 'DATA') {
        out += '354 End data with <CR><LF>.<CR><LF>\r\n';
        inData = true;
        carry = Buffer.from('\r\n'); // a "." on the very first line ends the data too
      } else if (verb === 'EHLO') out += EHLO;
      else if (verb === 'HELO') out += '250 sink.localhost\r\n';
      else if (verb === 'RSET' || verb === 'NOOP') out += '250 2.0.0 Ok\r\n';
      else if (verb === 'QUIT') {
        socket.end(`${out}221 2.0.0 Bye\r\n`);
        return;
      } else out += '502 5.5.2 Command not recognized\r\n';
    }
    if (out) socket.write(out);
  });
  socket.on('error', () => {});
  socket.write('220 sink.localhost ESMTP bench sink\r\n');
}

const server = net.createServer(session);
server.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
process.on('message', (m) => {
  if (m === 'stats') process.send({ messages, bytes, connections });
});
process.on('disconnect', () => process.exit(0));
