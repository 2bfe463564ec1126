/**
 * SMTP smuggling (CVE-2023-51764 and friends): a body holding an end-of-data look-alike
 * (`\n.\n`, `\r\n.\n`, `\n.\r\n`, a lone CR, `.` lines) or a whole smuggled transaction must
 * reach a real smtp-server as exactly one message, body intact, and the server must never see
 * a second MAIL command. The API promises CRLF line endings on the wire, so "intact" means the
 * body with each CR, LF or CRLF read back as one line break, and the received bytes are exactly
 * `message().asBytes()` (the transport dot-stuffs, the server unstuffs).
 *
 * One difference is allowed: a message whose last line has no line break gets one on the wire,
 * because the CRLF before the final `.` ends the last line (RFC 5321 §4.1.1.4); so a 7bit body
 * `abc` arrives as `abc` + CRLF. Nothing else may differ.
 */
import { Readable } from 'node:stream';
import { EmailBackend } from '@mail/backend-smtp';
import { EmailMessage, type MimeMessage } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams, runs } from '../../../core/test/security/support/fc-params.js';
import { fixedMessage, toLf } from './support.js';

const SMUGGLED =
  'MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nsmuggled body';

const BODIES: Record<string, string> = {
  'LF dot LF': `first\n.\n${SMUGGLED}\n.\n`,
  'CRLF dot LF': `first\r\n.\n${SMUGGLED}\r\n.\n`,
  'LF dot CRLF': `first\n.\r\n${SMUGGLED}\n.\r\n`,
  'CR dot CR': `first\r.\r${SMUGGLED}\r.\r`,
  'CRLF dot CRLF': `first\r\n.\r\n${SMUGGLED}\r\n.\r\n`,
  'lone CR': 'a\rb\r\rc\r',
  'dot lines': '.\r\n..\r\n...\r\n. \r\n.x\r\n',
  'starts with a dot line': '.\r\nafter',
  'ends with a dot': 'before\r\n.',
  'only a dot': '.',
  'dot after bare LF at the end': 'x\n.',
  'NUL around a dot': 'a\r\n\0.\0\r\nb',
};

/** What the server must have received for `sent` (the bytes of asBytes()), as text. */
function expectIntact(received: { raw: Buffer; parsed: { text?: string } }, body: string, sent?: Buffer): void {
  const text = received.parsed.text ?? '';
  const want = toLf(body);
  expect([want, want.endsWith('\n') ? want : `${want}\n`]).toContain(text);
  if (sent) {
    const bytes = sent.toString('latin1');
    expect([bytes, bytes.endsWith('\r\n') ? bytes : `${bytes}\r\n`]).toContain(received.raw.toString('latin1'));
  }
}

function mailEvents(events: { type: string }[]): number {
  return events.filter((e) => e.type === 'mail').length;
}

describe('SMTP smuggling against a real smtp-server', () => {
  for (const [label, body] of Object.entries(BODIES)) {
    it(`${label}: one message, one MAIL, body intact`, async () => {
      await using smtp = await startSmtpServer();
      const backend = new EmailBackend(smtp.backendOptions());
      const message = fixedMessage({ body });
      expect(await backend.sendMessages([message])).toBe(1);
      // Give a smuggled second transaction the time to arrive, were there one.
      await new Promise((r) => setTimeout(r, 50));
      expect(smtp.messages).toHaveLength(1);
      expect(mailEvents(smtp.events)).toBe(1);
      const [received] = smtp.messages;
      expect(received!.envelope.mailFrom).toBe('sender@example.com');
      expect(received!.envelope.rcptTo).toEqual(['rcpt@example.com']);
      expectIntact(received!, body, await message.message().asBytes());
    });
  }

  it('a batch of smuggling bodies on one connection: one MAIL per message, nothing more', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    const messages = Object.values(BODIES).map((body) => fixedMessage({ body }));
    expect(await backend.sendMessages(messages)).toBe(messages.length);
    await new Promise((r) => setTimeout(r, 50));
    expect(smtp.messages).toHaveLength(messages.length);
    expect(mailEvents(smtp.events)).toBe(messages.length);
    expect(new Set(smtp.messages.map((m) => m.session)).size).toBe(1);
    smtp.messages.forEach((m, i) => {
      expectIntact(m, Object.values(BODIES)[i]!);
    });
  });

  it('a third-party MimeMessage (not core-built: no CRLF promise) is normalised and stuffed, streamed or in memory', async () => {
    // Raw bytes with bare LF and CR line ends, dot lines and a smuggled transaction, from a
    // message() that is not core's builder: the backend may trust nothing about its line ends.
    const raw = `Subject: third party\n\nfirst\n.\n${SMUGGLED}\r.\r\n.\nlast`;
    const mimeOf = (inMemory: boolean): MimeMessage => ({
      getHeader: () => undefined,
      asBytes: async () => Buffer.from(raw),
      asString: async () => raw,
      // Cut into pieces so that line ends and dots straddle chunk edges.
      stream: () =>
        Readable.from(
          [raw.slice(0, 25), raw.slice(25, 26), raw.slice(26, 90), raw.slice(90)].map((s) => Buffer.from(s)),
        ),
      ...(inMemory ? { isInMemory: true } : {}),
    });
    class ThirdParty extends EmailMessage {
      constructor(readonly inMemory: boolean) {
        super({ subject: 'x', body: 'x', fromEmail: 'sender@example.com', to: ['rcpt@example.com'] });
      }
      override message(): MimeMessage {
        return mimeOf(this.inMemory);
      }
    }
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    expect(await backend.sendMessages([new ThirdParty(false), new ThirdParty(true), fixedMessage()])).toBe(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(smtp.messages).toHaveLength(3);
    expect(mailEvents(smtp.events)).toBe(3);
    const want = raw.replace(/\r\n|\r|\n/g, '\r\n');
    for (const received of smtp.messages.slice(0, 2)) {
      const got = received.raw.toString('latin1');
      expect(got.replace(/\r\n/g, ''), 'only CRLF line ends reach the server').not.toMatch(/[\r\n]/);
      expect(got).toBe(`${want}\r\n`);
    }
  });

  it('generated bodies of dots, CR, LF and smuggled commands arrive as one message each', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    try {
      const piece = fc.constantFrom('.', '..', '\r', '\n', '\r\n', ' ', 'x', 'From ', SMUGGLED, 'QUIT', '\0');
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), async (pieces) => {
          const body = pieces.join('');
          expect(await backend.sendMessages([fixedMessage({ body })])).toBe(1);
          sent++;
          expect(smtp.messages).toHaveLength(sent);
          expectIntact(smtp.messages[sent - 1]!, body);
        }),
        fcParams(runs(200)),
      );
      expect(mailEvents(smtp.events)).toBe(sent);
    } finally {
      await backend.close();
    }
  }, 120_000);
});
