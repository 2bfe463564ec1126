/** Where the CLI writes and what it reacts to; the real process by default. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the user asks to stop (Ctrl-C). */
  stopRequested: Promise<unknown>;
}

/** What a failed listen means, and what to do about it. */
export function explainListenError(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return `port ${port} on ${host} is already in use. Stop the program using it, or pick another port with --port.`;
  if (code === 'EACCES')
    return `not allowed to listen on port ${port} on ${host}. Ports below 1024 need privileges; try --port 1025.`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `cannot listen on ${host}: no such local address. Try --host 127.0.0.1.`;
  return `cannot listen on ${host}:${port}: ${(error as Error)?.message ?? String(error)}`;
}
