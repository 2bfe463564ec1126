import { randomBytes } from 'node:crypto';
const src = randomBytes(10 * 1024 * 1024);
function len(n) { const chars = Math.ceil(n / 3) * 4; return chars + Math.max(0, Math.ceil(chars / 76) - 1) * 2; }
function mk(LINES, mode) {
  const BLOCK = 57 * LINES;
  return function (source) {
    const n = source.length;
    const out = Buffer.allocUnsafe(len(n));
    let at = 0;
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      const written = mode === 0 ? out.write(source.toString('base64', from, to), at, 'latin1') : out.latin1Write(source.base64Slice(from, to), at);
      const lines = Math.ceil(written / 76);
      const end = at + written;
      for (let k = lines - 1; k > 0; k--) {
        const line = at + 76 * k;
        const moved = at + 78 * k;
        out.copyWithin(moved, line, Math.min(line + 76, end));
        out[moved - 2] = 13;
        out[moved - 1] = 10;
      }
      at += written + (lines - 1) * 2;
      if (to < n) { out[at++] = 13; out[at++] = 10; }
    }
    return out;
  };
}
const fns = { bare: (s) => s.toString('base64'), e512: mk(512, 0), e512b: mk(512, 1), e128: mk(128, 1), e2048: mk(2048, 1), e16k: mk(16384, 1),
 noSpread: (s) => { const out = Buffer.allocUnsafe(len(s.length)); out.latin1Write(s.toString('base64'), 0); return out; } };
for (let pass = 0; pass < 3; pass++) for (const [name, f] of Object.entries(fns)) {
  for (let i = 0; i < 3; i++) f(src);
  const t = performance.now(); for (let i = 0; i < 15; i++) f(src); console.log(pass, name, ((performance.now() - t) / 15).toFixed(2));
}
