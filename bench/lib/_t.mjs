import { randomBytes } from 'node:crypto';
const core = await import('@mail/core');
const src = randomBytes(10 * 1024 * 1024);
const { EmailMessage } = core;
const build = () => { const m = new EmailMessage({ subject: 'x', body: 'y', fromEmail: 'a@example.com', to: ['b@example.org'] }); m.attach('a.pdf', src, 'application/pdf'); return m.message(); };
const fns = {
  bare: () => src.toString('base64'),
  bareBuf: () => Buffer.from(src.toString('base64'), 'latin1'),
  build: () => build(),
  buildBytes: () => build().asBytes(),
  copy: () => Buffer.from(src),
};
for (let pass = 0; pass < 2; pass++) for (const [name, f] of Object.entries(fns)) {
  for (let i = 0; i < 3; i++) await f();
  const t = performance.now(); for (let i = 0; i < 15; i++) await f(); console.log(name, ((performance.now() - t) / 15).toFixed(2));
}
