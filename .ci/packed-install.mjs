// CI step: install the packed packages into an empty project with npm, as a user would, and use
// them from ESM and CommonJS. Catches what publint and attw cannot: a runtime dependency left out
// of `dependencies`, a file left out of `files`, a peer range that does not resolve, and the
// loader's "install @mail/backend-…" error when a backend is not installed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'mail-packed-'));
const packs = join(work, 'packs');
const project = join(work, 'project');
mkdirSync(packs);
mkdirSync(project);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
// pnpm as the README runs it (npx), at the version the workspace pins; pnpm pack rewrites workspace: ranges.
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

try {
  // The packages a typical user installs; backend-file is left out on purpose.
  for (const pkg of ['core', 'backend-smtp', 'backend-console', 'backend-locmem', 'testing']) {
    run('npx', ['-y', packageManager, 'pack', '--pack-destination', packs], join(root, 'packages', pkg));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  const tarballs = readdirSync(packs).map((f) => join(packs, f));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project);

  writeFileSync(
    join(project, 'esm.mjs'),
    `import assert from 'node:assert/strict';
import { configure, EmailMultiAlternatives, sendMail } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
const smtp = await startSmtpServer();
try {
  configure({ emailHost: '127.0.0.1', emailPort: smtp.port, defaultFromEmail: 'app@example.com' });
  assert.equal(await sendMail({ subject: 'Hi', message: 'Hello', recipientList: ['a@example.com'] }), 1);
  const m = new EmailMultiAlternatives({ subject: 'Réunion', body: 'b', to: ['Zoë <z@example.com>'] });
  m.attachAlternative('<p>b</p>', 'text/html');
  m.attach('a.bin', Buffer.from([0, 1, 2]));
  assert.equal(await m.send(), 1);
  await smtp.waitForMessages(2);
  const [, rich] = smtp.messages;
  assert.equal(rich.parsed.subject, 'Réunion');
  assert.equal(rich.parsed.html, '<p>b</p>');
  assert.deepEqual(rich.parsed.attachments.map((a) => [a.filename, [...a.content]]), [['a.bin', [0, 1, 2]]]);
  console.log('esm: ok');
} finally {
  await smtp.close();
}
`,
  );
  writeFileSync(
    join(project, 'cjs.cjs'),
    `const assert = require('node:assert/strict');
const { configure, getConnection, sendMail, BackendImportError } = require('@mail/core');
(async () => {
  configure({ emailBackend: 'locmem' });
  const { outbox } = require('@mail/backend-locmem');
  assert.equal(await sendMail({ subject: 'Hi', message: 'x', fromEmail: 'a@example.com', recipientList: ['b@example.com'] }), 1);
  assert.equal(outbox.length, 1);
  await assert.rejects(getConnection('file'), (error) => {
    assert.ok(error instanceof BackendImportError);
    assert.match(error.message, /npm install @mail\\/backend-file/);
    return true;
  });
  console.log('cjs: ok');
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  process.stdout.write(run(process.execPath, ['esm.mjs'], project));
  process.stdout.write(run(process.execPath, ['cjs.cjs'], project));
} finally {
  rmSync(work, { recursive: true, force: true });
}
