import { startDebugServer } from '@mail/testing';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** Start the debug server, deliver raw bytes from a client that follows no rules, return what it printed. */
async function printed(raw: string): Promise<string> {
  let out = '';
  const server = await startDebugServer({ port: 0, output: { write: (text: string) => (out += text) } });
  stop = () => server.close();
  const transport = nodemailer.createTransport({ host: server.host, port: server.port, ignoreTLS: true });
  await transport.sendMail({ envelope: { from: 'a@example.com', to: ['b@example.com'] }, raw });
  transport.close();
  for (let i = 0; i < 200 && !out.includes('END MESSAGE'); i++) await new Promise((r) => setTimeout(r, 10));
  return out;
}

// Retitle the window (OSC 0, ended by a bell) and clear the screen (CSI 2J); the body adds a C1 CSI,
// a CR that rewrites the line and a right-to-left override.
const RETITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J\x1b[H';

describe('mail-debug-server shows control characters, never writes them to the terminal', () => {
  it('raw escapes in the subject and body, QP-encoded escapes, an encoded-word filename', async () => {
    const raw = [
      `Subject: hi${RETITLE}there`,
      'From: a@example.com',
      'To: b@example.com',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `line one=1B[2J=1B[Hstill=0Dfake=C2=9B2J${CLEAR}bidi=E2=80=AEtxt.exe`,
      '--b',
      'Content-Type: text/plain; name="=?utf-8?q?evil=1B]0;x=07.txt?="',
      'Content-Disposition: attachment; filename="=?utf-8?q?evil=1B]0;x=07.txt?="',
      '',
      'x',
      '--b--',
      '',
    ].join('\r\n');
    const out = await printed(raw);
    expect(out).toContain('END MESSAGE');
    // Nothing a terminal acts on: only tab and line feed among the controls.
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(out).toContain('Subject: hi^[]0;pwned^Gthere');
    expect(out).toContain('line one^[[2J^[[Hstill^Mfake<U+009B>2J^[[2J^[[Hbidi<U+202E>txt.exe');
    expect(out).toContain('[attachment evil^[]0;x^G.txt, text/plain');
  });

  it('ordinary text, tabs and non-ASCII letters are shown as they are', async () => {
    const raw = ['Subject: Grüße', 'Content-Type: text/plain; charset=utf-8', '', 'a\tb Zoë ✓', ''].join('\r\n');
    const out = await printed(raw);
    expect(out).toContain('Subject: Grüße');
    expect(out).toContain('a\tb Zoë ✓');
  });
});
