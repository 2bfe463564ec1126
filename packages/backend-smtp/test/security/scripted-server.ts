import { type AddressInfo, createServer, type Socket } from 'node:net';

/** What a scripted server does with one command line: a reply to write, or its own doing. */
export type Answer = string | ((socket: Socket) => void) | undefined;

/** One command line the scripted server received, in order. */
export interface Seen {
  line: string;
}

export interface ScriptOptions {
  /** The EHLO reply's lines after the first (`PIPELINING`, `SIZE 1000`, `AUTH PLAIN`…). */
  extensions?: string[];
  /** Answers by command (`MAIL`, `RCPT`, `DATA`, `DOT` for the end of data, `AUTH`…); default a 250. */
  answer?: (command: string, line: string, index: number) => Answer;
  /** The greeting, or a function that writes it. */
  greeting?: Answer;
}

/**
 * A raw TCP server on loopback speaking just enough SMTP to play a hostile or broken server:
 * it records every line it gets (commands and message content), so a test can say what the
 * client sent, and answers by a script.
 */
export async function scriptedServer(options: ScriptOptions = {}) {
  const sockets = new Set<Socket>();
  const lines: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const greet = options.greeting ?? '220 scripted.example ESMTP\r\n';
    if (typeof greet === 'function') greet(socket);
    else socket.write(greet);
    let buffered = '';
    let inData = false;
    let index = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end).replace(/\r$/, '');
        buffered = buffered.slice(end + 1);
        lines.push(line);
        if (inData) {
          if (line !== '.') continue;
          inData = false;
        }
        const command = inData ? 'CONTENT' : line === '.' ? 'DOT' : line.split(/[ :]/)[0].toUpperCase();
        const scripted = options.answer?.(command, line, index++);
        const answer = scripted !== undefined ? scripted : defaultAnswer(command, options.extensions ?? []);
        if (command === 'DATA' && (answer === undefined || (typeof answer === 'string' && answer.startsWith('354'))))
          inData = true;
        if (typeof answer === 'function') answer(socket);
        else if (answer) socket.write(answer);
        if (command === 'QUIT') socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    /** Every line received, commands and content. */
    lines,
    /** The command lines only (content lines are those between `DATA` and `.`). */
    commands(): string[] {
      const out: string[] = [];
      let data = false;
      for (const line of lines) {
        if (data) {
          if (line === '.') data = false;
          continue;
        }
        out.push(line);
        if (/^DATA$/i.test(line)) data = true;
      }
      return out;
    },
    /** Write `text` one byte every `ms` milliseconds (a trickling server). */
    trickle(socket: Socket, text: string, ms: number): void {
      let at = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || at >= text.length) {
          clearInterval(timer);
          timers.delete(timer);
          return;
        }
        socket.write(text[at++]);
      }, ms);
      timers.add(timer);
    },
    async [Symbol.asyncDispose]() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function defaultAnswer(command: string, extensions: string[]): string {
  switch (command) {
    case 'EHLO':
      return ['scripted.example', ...extensions]
        .map((l, i, all) => `250${i < all.length - 1 ? '-' : ' '}${l}\r\n`)
        .join('');
    case 'DATA':
      return '354 go ahead\r\n';
    case 'QUIT':
      return '221 bye\r\n';
    case 'DOT':
      return '250 2.0.0 queued as 1\r\n';
    default:
      return '250 ok\r\n';
  }
}
