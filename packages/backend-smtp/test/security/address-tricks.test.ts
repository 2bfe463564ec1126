/**
 * Address tricks: quoted local parts holding `@`, display names with commas, `@` and
 * quotes, IDN domains, too-long addresses. Whatever the input, the SMTP envelope (what the
 * server's RCPT TO recorded) is exactly what the headers say (mailparser's To and Cc), or the
 * input is refused with a clear error before anything is sent.
 */
import { EmailBackend } from '@mail/backend-smtp';
import { EmailMessage, envelopeOf, InvalidAddressError, MailError, SendError } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import fc from 'fast-check';
import type { AddressObject } from 'mailparser';
import { toASCII } from 'nodemailer/lib/punycode';
import { describe, expect, it } from 'vitest';
import { fcParams, runs } from '../../../core/test/security/support/fc-params.js';

function headerAddresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((o) =>
    o.value.flatMap((a) => (a.group ? a.group.map((g) => g.address ?? '') : [a.address ?? ''])),
  );
}

/**
 * Compare addresses as the wire does: the domain lower-cased and as IDNA A-labels (smtp-server
 * and mailparser both show U-labels), the local part as is (RFC 5321 §2.4: case-sensitive).
 */
function canonical(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : `${address.slice(0, at)}@${toASCII(address.slice(at + 1).toLowerCase())}`;
}

/**
 * Send `message` to the fixture. Either it is refused (by our checks before any connection, or
 * by the server's RCPT/MAIL syntax check) with nothing delivered, or the server's envelope equals
 * the header addresses. Returns which.
 */
async function sendAndCompare(
  smtp: SmtpFixture,
  message: EmailMessage,
): Promise<'refused' | 'server-refused' | 'delivered'> {
  smtp.clear();
  const before = smtp.connections;
  const backend = new EmailBackend(smtp.backendOptions());
  let count: number;
  try {
    count = await backend.sendMessages([message]);
  } catch (error) {
    expect(error, 'a refusal is one of our errors').toBeInstanceOf(MailError);
    expect((error as Error).message.length).toBeGreaterThan(10);
    expect(smtp.messages, 'a failed message was delivered to no one').toHaveLength(0);
    if (smtp.connections === before) return 'refused';
    // The server refused an address our checks let through: nothing was delivered either.
    expect(error).toBeInstanceOf(SendError);
    return 'server-refused';
  }
  const report = message.delivery!;
  if (report.rejected.length > 0) {
    // The server refused some recipients and took the others: sent, and the report says which it
    // took, exactly the envelope the server recorded, all of them named in the headers.
    expect(count).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    const [{ envelope, parsed }] = smtp.messages as [SmtpFixture['messages'][number]];
    expect(report.accepted.map(canonical)).toEqual(envelope.rcptTo.map(canonical));
    const named = [...headerAddresses(parsed.to), ...headerAddresses(parsed.cc)].map(canonical);
    for (const rcpt of envelope.rcptTo) expect(named).toContain(canonical(rcpt));
    return 'server-refused';
  }
  expect(count).toBe(1);
  expect(smtp.messages).toHaveLength(1);
  const [{ envelope, parsed }] = smtp.messages as [SmtpFixture['messages'][number]];
  const visible = [...headerAddresses(parsed.to), ...headerAddresses(parsed.cc)].map(canonical);
  const bcc = (message.bcc ?? []).length;
  // The first recipients of the envelope are To then Cc; Bcc ones follow and are never in a header.
  expect(
    envelope.rcptTo.slice(0, envelope.rcptTo.length - bcc).map(canonical),
    'envelope recipients = To + Cc headers',
  ).toEqual(visible);
  expect(envelope.rcptTo).toHaveLength(visible.length + bcc);
  expect([canonical(envelope.mailFrom)], 'envelope sender = From header').toEqual(
    headerAddresses(parsed.from).map(canonical),
  );
  expect(parsed.bcc).toBeUndefined();
  return 'delivered';
}

describe('address tricks: envelope matches headers, or the input is refused', () => {
  it('a quoted local part holding "@" is delivered to the domain after the last "@" only', async () => {
    await using smtp = await startSmtpServer();
    const message = new EmailMessage({
      fromEmail: 'sender@example.com',
      to: ['"a@evil.example x"@victim.example'],
      body: 'x',
    });
    // The envelope we compute routes to victim.example…
    expect(envelopeOf(message).to).toEqual(['"a@evil.example x"@victim.example']);
    // …and on the wire it is delivered there, or refused (smtp-server 3.21 answers 501 to a quoted
    // local part holding '@' or a space), never delivered to evil.example.
    const outcome = await sendAndCompare(smtp, message);
    expect(outcome).not.toBe('refused'); // our checks accept this valid RFC 5321 address
    if (outcome === 'delivered') {
      const [rcpt] = smtp.messages[0]!.envelope.rcptTo;
      expect(rcpt!.endsWith('@victim.example')).toBe(true);
      expect(rcpt!.slice(rcpt!.lastIndexOf('@') + 1)).toBe('victim.example');
    }
  });

  it('display names with commas, "@", quotes and angle brackets never add or redirect a recipient', async () => {
    await using smtp = await startSmtpServer();
    const names = [
      'Doe, John',
      'evil@attacker.example',
      '"evil@attacker.example"',
      'a, b <evil@attacker.example>',
      'x" <evil@attacker.example>, "y',
      'back\\slash, "quote"',
      '<evil@attacker.example>',
      '=?utf-8?q?evil=40attacker.example?=',
      'Zoë, Jürgen',
    ];
    const misdelivered: string[] = [];
    for (const name of names) {
      for (const input of [
        [name, 'victim@victim.example'] as const,
        `${name} <victim@victim.example>`,
        `"${name.replace(/["\\]/g, '\\$&')}" <victim@victim.example>`,
      ]) {
        const message = new EmailMessage({
          fromEmail: 'sender@example.com',
          to: [input as unknown as string],
          body: 'x',
        });
        const outcome = await sendAndCompare(smtp, message);
        const rcpt = smtp.messages[0]?.envelope.rcptTo ?? [];
        if (outcome === 'delivered' && JSON.stringify(rcpt) !== JSON.stringify(['victim@victim.example'])) {
          misdelivered.push(`${JSON.stringify(input)} -> ${rcpt.join(', ')}`);
        }
      }
    }
    // The intended recipient is the address in the final <…>; a name must never redirect the mail.
    expect(misdelivered, misdelivered.join('\n')).toEqual([]);
  });

  it('several addresses in one list entry are refused or all show in the headers', async () => {
    await using smtp = await startSmtpServer();
    for (const input of [
      'a@example.com, evil@attacker.example',
      'a@example.com; evil@attacker.example',
      'a@example.com evil@attacker.example',
      'Team: a@example.com, evil@attacker.example;',
    ]) {
      await sendAndCompare(smtp, new EmailMessage({ fromEmail: 'sender@example.com', to: [input], body: 'x' }));
    }
  });

  it('IDN domains go out as A-labels in both the envelope and the headers', async () => {
    await using smtp = await startSmtpServer();
    const message = new EmailMessage({
      fromEmail: 'Zoë <zoe@bücher.example>',
      to: ['jürgen@münchen.example'],
      cc: ['ops@例え.テスト'],
      body: 'x',
    });
    expect(envelopeOf(message)).toEqual({
      from: 'zoe@xn--bcher-kva.example',
      to: ['jürgen@xn--mnchen-3ya.example', 'ops@xn--r8jz45g.xn--zckzah'],
    });
    const outcome = await sendAndCompare(smtp, message);
    expect(outcome).toBe('delivered');
    const { raw } = smtp.messages[0]!;
    const header = raw.toString('utf8').split('\r\n\r\n')[0]!;
    expect(header).toContain('zoe@xn--bcher-kva.example');
    expect(header).toContain('@xn--mnchen-3ya.example');
    expect(header).toContain('ops@xn--r8jz45g.xn--zckzah');
  });

  it('too-long addresses are refused before anything is sent', async () => {
    await using smtp = await startSmtpServer();
    const longLocal = `${'a'.repeat(65)}@example.com`; // RFC 5321 §4.5.3.1.1: local part ≤ 64
    const longDomainLabel = `a@${'b'.repeat(64)}.example`; // RFC 1035 §2.3.4: label ≤ 63
    const longPath = `${'a'.repeat(60)}@${Array.from({ length: 5 }, () => 'c'.repeat(60)).join('.')}.example`; // > 254
    const accepted: string[] = [];
    for (const address of [
      longLocal,
      longDomainLabel,
      longPath,
      `${'x'.repeat(5000)}@example.com`,
      `${'é'.repeat(40)}@example.com`,
    ]) {
      const outcome = await sendAndCompare(
        smtp,
        new EmailMessage({ fromEmail: 'sender@example.com', to: [address], body: 'x' }),
      );
      if (outcome === 'delivered')
        accepted.push(`${address.slice(0, 30)}… (${Buffer.byteLength(address)} octets) ${outcome}`);
    }
    expect(accepted, accepted.join('\n')).toEqual([]);
  });

  it('generated tricky addresses: envelope always equals the headers, or refused', async () => {
    await using smtp = await startSmtpServer();
    const special = fc.constantFrom(
      '@',
      ',',
      ';',
      ':',
      '"',
      '\\',
      '<',
      '>',
      '(',
      ')',
      '[',
      ']',
      ' ',
      '.',
      'é',
      '=?',
      '?=',
    );
    const chunk = fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9]{1,6}$/) },
      { weight: 1, arbitrary: special },
    );
    const text = fc.array(chunk, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    const entry = fc.oneof(
      fc.tuple(text, text).map(([local, domain]) => `${local}@${domain}`),
      fc.tuple(text, text, text).map(([name, local, domain]) => `${name} <${local}@${domain}>`),
      fc.tuple(text, text).map(([name, addr]) => [name, `${addr}@victim.example`]),
      fc.tuple(text, text).map(([qlocal, domain]) => `"${qlocal.replace(/["\\]/g, '')}"@${domain}`),
    );
    let delivered = 0;
    let serverRefused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: 1, maxLength: 3 }),
        fc.array(entry, { maxLength: 2 }),
        async (to, cc) => {
          const message = new EmailMessage({
            fromEmail: 'sender@example.com',
            to: to as string[],
            cc: cc as string[],
            body: 'x',
          });
          const outcome = await sendAndCompare(smtp, message);
          if (outcome === 'delivered') delivered++;
          if (outcome === 'server-refused') serverRefused++;
        },
      ),
      fcParams(runs(300)),
    );
    // The generator must exercise delivery, not only refusals.
    console.info(
      `address tricks: ${delivered} delivered, ${serverRefused} refused by the server, the rest refused by our checks`,
    );
    expect(delivered).toBeGreaterThan(0);
  }, 120_000);

  it('InvalidAddressError names the bad address', async () => {
    const message = new EmailMessage({ fromEmail: 'sender@example.com', to: ['not an address@@'], body: 'x' });
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    await expect(backend.sendMessages([message])).rejects.toThrow(InvalidAddressError);
    await expect(backend.sendMessages([message])).rejects.toThrow(/not an address@@/);
  });
});
