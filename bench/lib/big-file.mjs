import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** Writes a file of `mb` MiB (one random MiB repeated) in the temp directory and returns its path. */
export function writeBigFile(name, mb) {
  const file = join(os.tmpdir(), `${name}-${process.pid}.bin`);
  const fd = openSync(file, 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) writeSync(fd, chunk);
  closeSync(fd);
  return file;
}
