import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmailBackend as SmtpBackend } from '@mail/backend-smtp';
import { EmailMultiAlternatives } from '@mail/core';
import { type Inbox, InboxClient, startInbox } from '@mail/testing';
import nodemailer from 'nodemailer';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_PNG, withLogoAndInvoice } from './helpers.js';

// A real headless Chromium (Debian's package; CI installs it with apt-get) drives the page.
const CHROMIUM = '/usr/bin/chromium';
// Screenshots for the README are written to docs/ with MAIL_SCREENSHOTS=1, elsewhere to a temporary
// folder, so a test run does not dirty the work tree with new pixels.
const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));

let inbox: Inbox;
let client: InboxClient;
let remote: Server;
let remoteUrl: string;
const remoteHits: string[] = [];
let userDataDir: string;
let shotsDir: string;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

const PDF = Buffer.from('%PDF-1.4\n% bytes that must come back exactly: \u00ff\u0000\u0001\n', 'latin1');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (the CI script does).`);
  }
  inbox = await startInbox({ port: 0, webPort: 0 });
  client = new InboxClient(inbox.url);
  remote = createServer((req, res) => {
    remoteHits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'image/png' });
    res.end(TINY_PNG);
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
  userDataDir = await mkdtemp(join(tmpdir(), 'inbox-chromium-'));
  shotsDir = process.env.MAIL_SCREENSHOTS === '1' ? DOCS : await mkdtemp(join(tmpdir(), 'inbox-shots-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(inbox.url);
  await page.locator('#live.on').waitFor();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await inbox?.close();
  await new Promise((resolve) => remote?.close(resolve));
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  if (shotsDir && shotsDir !== DOCS) await rm(shotsDir, { recursive: true, force: true });
});

function newsletter(subject: string, to = 'ann@example.com'): EmailMultiAlternatives {
  const message = new EmailMultiAlternatives({
    subject,
    body: `Hi Ann,\nyour code is 482913.\nConfirm: https://app.test/confirm`,
    fromEmail: 'Shop <shop@example.com>',
    to: [to],
    bcc: ['audit@example.com'],
  });
  message.attachAlternative(
    `<div style="font-family:Georgia,serif;max-width:520px;margin:24px auto;color:#222">
     <p><img id="logo" alt="logo" src="cid:logo@shop" width="16" height="16"> <b>Shop</b></p>
     <h1 id="greeting" style="font-size:26px">Hello Ann</h1>
     <p>${subject}. Your code is <b style="letter-spacing:2px">482913</b>.</p>
     <p><a href="https://app.test/confirm" style="background:#2f6fed;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Confirm</a></p>
     <img id="tracker" alt="remote image (blocked)" src="${remoteUrl}/pixel.png?m=${encodeURIComponent(subject)}">
     </div>
     <script>document.body.insertAdjacentHTML('beforeend', '<p id="ran">SCRIPT RAN</p>');
       new Image().src = '${remoteUrl}/script-ran';</script>`,
    'text/html',
  );
  return withLogoAndInvoice(message, PDF);
}

async function send(...messages: EmailMultiAlternatives[]): Promise<void> {
  await new SmtpBackend({ host: inbox.smtp.host, port: inbox.smtp.port }).sendMessages(messages);
}

const row = (subject: string) => page.locator('.row', { hasText: subject });

describe('the web inbox in Chromium', () => {
  it('shows a message sent through the smtp backend without a reload', async () => {
    await send(newsletter('Your order has shipped'));
    await row('Your order has shipped').waitFor();
    await expect.poll(() => row('Your order has shipped').locator('.clip').textContent()).toBe('att 1');
    expect(await page.locator('#count').textContent()).toBe('1 · keeps the last 1000');
  });

  it('renders the HTML sandboxed: no script runs, remote images wait for the toggle, cid: images show', async () => {
    await row('Your order has shipped').click();
    const frame = page.frameLocator('#html');
    await expect.poll(() => frame.locator('#greeting').textContent()).toBe('Hello Ann');
    await expect
      .poll(() => frame.locator('#logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(16);
    expect(await frame.locator('#ran').count()).toBe(0);
    expect(
      await frame.locator('#tracker').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBe(0);
    expect(remoteHits).toEqual([]);
    expect(await page.locator('#envelope').textContent()).toContain('RCPT TO:<ann@example.com> <audit@example.com>');
    expect(await page.locator('#meta').textContent()).toContain('Bccaudit@example.com');
    await page.screenshot({ path: join(shotsDir, 'inbox-message.png') });

    await page.locator('#remote').check();
    await expect.poll(() => remoteHits.filter((hit) => hit.startsWith('/pixel.png')).length).toBe(1);
    await expect
      .poll(() =>
        frame.locator('#tracker').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(16);
    expect(await frame.locator('#ran').count()).toBe(0);
    expect(remoteHits.filter((hit) => hit === '/script-ran')).toEqual([]);
  });

  it('shows the text, headers and source tabs', async () => {
    await page.locator('[data-tab="text"]').click();
    expect(await page.locator('#text').textContent()).toContain('your code is 482913.');
    await page.locator('[data-tab="headers"]').click();
    await expect.poll(() => page.locator('#headers').textContent()).toContain('Subject');
    await page.locator('[data-tab="source"]').click();
    await expect.poll(() => page.locator('#source').textContent()).toContain('Content-Type: multipart/mixed');
    await page.locator('[data-tab="html"]').click();
  });

  it('downloads an attachment with the right bytes', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#attachments li', { hasText: 'invoice.pdf' }).getByText('download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('invoice.pdf');
    expect((await readFile(await download.path())).equals(PDF)).toBe(true);
  });

  it('searches, moves with j/k and arrows, deletes one and clears all', async () => {
    await send(newsletter('Password reset', 'bob@example.com'), newsletter('Weekly digest', 'cy@example.com'));
    await row('Weekly digest').waitFor();
    await page.screenshot({ path: join(shotsDir, 'inbox-list.png') });

    await page.keyboard.press('/');
    await page.keyboard.type('to:bob@example.com');
    await expect
      .poll(() => page.locator('.row').allTextContents())
      .toEqual([expect.stringContaining('Password reset')]);
    await page.locator('#search').fill('');
    await expect.poll(() => page.locator('.row').count()).toBe(3);
    await page.locator('#search').blur();

    await row('Weekly digest').click();
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('#subject').textContent()).toBe('Password reset');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('#subject').textContent()).toBe('Your order has shipped');
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('#subject').textContent()).toBe('Password reset');

    await page.locator('#delete').click();
    await expect.poll(() => page.locator('.row').count()).toBe(2);
    expect(await row('Password reset').count()).toBe(0);
    expect((await client.messages()).total).toBe(2);

    await page.locator('#clear').click();
    await expect.poll(() => page.locator('.row').count()).toBe(0);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    expect((await client.messages()).total).toBe(0);
  });

  it('works at a phone width', async () => {
    await send(newsletter('On the phone'));
    await page.setViewportSize({ width: 390, height: 780 });
    await row('On the phone').click();
    await expect.poll(() => page.locator('#subject').textContent()).toBe('On the phone');
    await expect.poll(() => page.locator('.list-pane').isVisible()).toBe(false);
    expect(await page.locator('#subject').isVisible()).toBe(true);
    await page.screenshot({ path: join(shotsDir, 'inbox-phone.png') });
    await page.locator('#back').click();
    await expect.poll(() => page.locator('.list-pane').isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('sets fault injection from the page', async () => {
    await page.locator('#chaos-open').click();
    await page.locator('[name="Sender.ErrorCode"]').fill('550');
    await page.locator('[name="Sender.Count"]').fill('1');
    await page.locator('#chaos-apply').click();
    await expect.poll(() => page.locator('#chaos-open').textContent()).toBe('Chaos on');
    await expect(send(newsletter('refused'))).rejects.toMatchObject({ responseCode: 550 });
    await send(newsletter('accepted after one'));
    await row('accepted after one').waitFor();
    await client.setChaos({});
  });

  it('opens a 50 MB message without loading it whole into the page', async () => {
    // Built by hand (a 50 MB base64 attachment), so the test spends its time in the inbox, not the builder.
    const line = `${'QUJD'.repeat(19)}\r\n`;
    const raw = Buffer.from(
      'From: big@example.com\r\nTo: ann@example.com\r\nSubject: Fifty megabytes\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n' +
        '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.bin"\r\n' +
        `Content-Transfer-Encoding: base64\r\n\r\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}--b--\r\n`,
    );
    const transport = nodemailer.createTransport({ host: inbox.smtp.host, port: inbox.smtp.port, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: 'big@example.com', to: ['ann@example.com'] }, raw });
    transport.close();
    await client.waitForMessage({ query: 'subject:"Fifty megabytes"', timeout: 60_000 });
    await row('Fifty megabytes').click();
    await expect.poll(() => page.locator('#meta').textContent()).toContain('Size50.0 MB');
    expect(await page.locator('#attachments').textContent()).toContain('big.bin · 36.5 MB');
    await page.locator('[data-tab="source"]').click();
    await expect.poll(() => page.locator('#source').textContent()).toMatch(/cut at 512\.0 kB; download the \.eml/);
    expect((await page.locator('#source').textContent())?.length).toBeLessThan(600_000);
    await client.clear();
  }, 90_000);

  it('logged no console errors in the page', () => {
    // The message frame reports what its sandbox and CSP refused (the script, the remote image):
    // that is the point. Anything else, and anything at all from the page itself, is a bug.
    const guards = /Blocked script execution|Content Security Policy/;
    const frameErrors = consoleErrors.filter((e) => e.includes('/view/'));
    expect(consoleErrors.filter((e) => !e.includes('/view/'))).toEqual([]);
    expect(frameErrors.filter((e) => !guards.test(e))).toEqual([]);
    expect(frameErrors.some((e) => e.includes('Blocked script execution'))).toBe(true);
  });
});
