/**
 * A hostile or broken server that never ends a multiline reply must not make the client
 * buffer without bound: the reply reader gives up past 1 MB with a protocol error.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { describe, expect, it } from 'vitest';
import { message, rejectionOf } from '../helpers.js';

/** A fake SMTP server: greets, offers PIPELINING, then answers MAIL with endless `250-` lines. */
async function endlessReplyServer() {
  const sockets = new Set<Socket>();
  let streamed = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.write('220 hostile.example ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end = buffered.indexOf('\r\n');
      while (end !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\r\n');
        if (/^(EHLO|HELO)/i.test(line)) socket.write('250-hostile.example\r\n250 PIPELINING\r\n');
        else if (/^MAIL/i.test(line)) {
          const block = `250-${'x'.repeat(1000)}\r\n`.repeat(64);
          const pump = () => {
            // 8 MB at most: far past the limit, never an end line.
            while (streamed < 8 * 1024 * 1024 && !socket.destroyed) {
              streamed += block.length;
              if (!socket.write(block)) return void socket.once('drain', pump);
            }
          };
          pump();
        }
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get streamed() {
      return streamed;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a server that never ends its reply', () => {
  it('fails the message with a protocol error past 1 MB, long before the timeout, and counts nothing', async () => {
    const server = await endlessReplyServer();
    try {
      const backend = new EmailBackend({ host: '127.0.0.1', port: server.port, timeout: 15 });
      const started = Date.now();
      const error = await rejectionOf(backend.sendMessages([message()]));
      expect(error).toBeInstanceOf(SmtpError);
      expect(error.sent).toBe(0);
      expect(String(error.message)).toMatch(/overlong reply/);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(server.streamed).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
