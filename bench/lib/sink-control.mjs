/** Starts the SMTP sink in a separate process and asks it for its counters. */
import { fork } from 'node:child_process';
import { once } from 'node:events';

export async function startSink() {
  const child = fork(new URL('./smtp-sink.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [{ port }] = await once(child, 'message');
  return {
    host: '127.0.0.1',
    port,
    async stats() {
      child.send('stats');
      const [s] = await once(child, 'message');
      return s;
    },
    close() {
      child.disconnect();
      child.kill();
    },
  };
}
