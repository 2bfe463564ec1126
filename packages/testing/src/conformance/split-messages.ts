/**
 * Split what the console and file backends write (each message followed by a line of 79
 * dashes) into the messages' bytes, for a conformance `mailbox`.
 *
 * @example
 * ```ts
 * const messages = splitMessages(await readFile(sessionFile));
 * ```
 */
export function splitMessages(output: Buffer | string): Buffer[] {
  const text = Buffer.isBuffer(output) ? output.toString('latin1') : Buffer.from(output, 'utf8').toString('latin1');
  // latin1 keeps every byte as one character, so offsets are byte offsets.
  return text
    .split(/^-{79}\r?\n/m)
    .filter((part) => part.trim() !== '')
    .map((part) => Buffer.from(part, 'latin1'));
}
