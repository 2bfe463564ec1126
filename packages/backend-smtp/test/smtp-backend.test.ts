import DefaultExport, { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { configure, getConnection, mailers, resetSettings, SendError } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsOf, message, rejectionOf, richMessage } from './helpers.js';

afterEach(() => {
  resetSettings();
});

describe('smtp backend: sending', () => {
  it('is the default export too, and SmtpError extends SendError', () => {
    expect(DefaultExport).toBe(EmailBackend);
    expect(new SmtpError('x', { responseCode: 550 })).toBeInstanceOf(SendError);
  });

  it('delivers the bytes of message().asBytes() with the envelope from fromEmail and recipients()', async () => {
    await using smtp = await startSmtpServer();
    const m = message({
      fromEmail: 'Sender Name <sender@example.com>',
      to: ['To One <to1@example.com>'],
      cc: ['cc@example.com'],
      bcc: ['hidden@example.com'],
      headers: { Date: 'Mon, 23 Nov 2026 20:00:00 +0000', 'Message-ID': '<fixed@example.com>' },
    });
    expect(await new EmailBackend(smtp.backendOptions()).sendMessages([m])).toBe(1);
    const [received] = smtp.messages;
    expect(received!.envelope.mailFrom).toBe('sender@example.com');
    expect(received!.envelope.rcptTo).toEqual(['to1@example.com', 'cc@example.com', 'hidden@example.com']);
    // RFC 5321 §4.1.1.4: mail data ends with CRLF "." CRLF, and that first CRLF is part of the
    // message, so a message not ending in CRLF arrives with one added and is otherwise byte-identical.
    const bytes = await m.message().asBytes();
    const expected = bytes.subarray(-2).toString() === '\r\n' ? bytes : Buffer.concat([bytes, Buffer.from('\r\n')]);
    expect(received!.raw.toString('latin1')).toBe(expected.toString('latin1'));
    // Bcc is in the envelope, never in the headers.
    expect(received!.parsed.headers.has('bcc')).toBe(false);
    expect(received!.raw.toString('latin1')).not.toContain('hidden@example.com');
    expect(received!.parsed.subject).toBe('Hi');
    expect(received!.parsed.text?.trim()).toBe('Hello');
  });

  it('delivers rich messages that mailparser reads back intact', async () => {
    await using smtp = await startSmtpServer();
    const m = richMessage(7);
    await new EmailBackend(smtp.backendOptions()).sendMessages([m]);
    const { parsed, envelope } = smtp.messages[0]!;
    expect(envelope.rcptTo).toEqual(['user7@example.org', 'second@example.net']);
    expect(parsed.subject).toBe('Réunion n°7 — ordre du jour');
    expect(parsed.html).toContain('<b>Zoë</b>');
    expect(parsed.attachments[0]!.content.equals((m.attachments[0] as { content: Buffer }).content)).toBe(true);
  });

  it('reuses one connection from open() to close() for every sendMessages in between', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    expect(await backend.open()).toBe(true);
    expect(await backend.open()).toBe(false);
    for (let i = 0; i < 5; i++)
      expect(await backend.sendMessages([richMessage(i), message({ subject: `plain ${i}` })])).toBe(2);
    expect(smtp.messages).toHaveLength(10);
    expect(smtp.connections).toBe(1);
    expect(new Set(smtp.messages.map((m) => m.session)).size).toBe(1);
    await backend.close();
    await expect.poll(() => eventsOf(smtp.events, 'close').length).toBe(1);
    await backend.close(); // closing twice is harmless
  });

  it('opens and closes a connection per sendMessages when none was open', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.sendMessages([message()]);
    await backend.sendMessages([message(), message()]);
    expect(smtp.connections).toBe(2);
    await expect.poll(() => eventsOf(smtp.events, 'close').length).toBe(2);
  });

  it('shares one connection between concurrent sendMessages calls, never interleaving them', async () => {
    await using smtp = await startSmtpServer();
    const backend = new EmailBackend(smtp.backendOptions());
    const counts = await Promise.all(
      Array.from({ length: 6 }, (_, b) =>
        backend.sendMessages([message({ subject: `${b}-a` }), message({ subject: `${b}-b` })]),
      ),
    );
    expect(counts).toEqual(Array(6).fill(2));
    expect(smtp.connections).toBe(1);
    const subjects = smtp.messages.map((m) => m.parsed.subject!);
    for (let b = 0; b < 6; b++) expect(subjects.indexOf(`${b}-b`)).toBe(subjects.indexOf(`${b}-a`) + 1);
  });

  it('sends 200 messages over one connection', async () => {
    await using smtp = await startSmtpServer();
    await using backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    const batch = Array.from({ length: 200 }, (_, i) => message({ subject: `n${i}`, to: [`u${i}@example.com`] }));
    expect(await backend.sendMessages(batch)).toBe(200);
    expect(smtp.connections).toBe(1);
    expect(smtp.messages.map((m) => m.envelope.rcptTo[0])).toEqual(batch.map((_, i) => `u${i}@example.com`));
  });

  it('streams attachFile content and delivers it intact', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'smtp-attach-'));
    try {
      const content = Buffer.alloc(300_000, 0);
      for (let i = 0; i < content.length; i++) content[i] = (i * 7) % 256;
      await writeFile(join(dir, 'big.bin'), content);
      const m = message();
      m.attachFile(join(dir, 'big.bin'));
      await using smtp = await startSmtpServer();
      await new EmailBackend(smtp.backendOptions()).sendMessages([m]);
      expect(smtp.messages[0]!.parsed.attachments[0]!.content.equals(content)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('dot-stuffs: bodies with "\\n.\\n", "\\r\\n.\\r\\n" and lone CR arrive as one message each', async () => {
    await using smtp = await startSmtpServer();
    const bodies = [
      'a\n.\nMAIL FROM:<evil@example.com>\n',
      'b\r\n.\r\nRCPT TO:<victim@example.com>\r\n',
      'c\r.\rDATA\r',
      '.\n..\n.',
    ];
    const backend = new EmailBackend(smtp.backendOptions());
    expect(await backend.sendMessages(bodies.map((body) => message({ body })))).toBe(4);
    expect(smtp.messages).toHaveLength(4);
    expect(eventsOf(smtp.events, 'mail')).toHaveLength(4);
    expect(smtp.messages.flatMap((m) => m.envelope.rcptTo)).toEqual(Array(4).fill('to@example.com'));
    expect(smtp.messages[0]!.parsed.text).toContain('MAIL FROM:<evil@example.com>');
    expect(smtp.messages[1]!.parsed.text).toContain('RCPT TO:<victim@example.com>');
  });

  it('sends IDN domains as A-labels in the envelope', async () => {
    await using smtp = await startSmtpServer();
    await new EmailBackend(smtp.backendOptions()).sendMessages([
      message({ fromEmail: 'zoe@bücher.example', to: ['ann@münchen.example'] }),
    ]);
    expect(smtp.messages[0]!.envelope.mailFrom).toBe('zoe@xn--bcher-kva.example');
    expect(smtp.messages[0]!.envelope.rcptTo).toEqual(['ann@xn--mnchen-3ya.example']);
  });

  it('uses SMTPUTF8 for a non-ASCII local part when the server offers it', async () => {
    await using smtp = await startSmtpServer();
    await new EmailBackend(smtp.backendOptions()).sendMessages([message({ to: ['zoë@example.com'] })]);
    expect(smtp.messages[0]!.envelope.rcptTo).toEqual(['zoë@example.com']);
    expect(smtp.messages[0]!.envelope.smtpUtf8).toBe(true);
  });

  it('refuses a non-ASCII local part clearly when the server lacks SMTPUTF8, and sends nothing', async () => {
    await using smtp = await startSmtpServer({ hideSmtpUtf8: true });
    const backend = new EmailBackend(smtp.backendOptions());
    await backend.open();
    const error = await rejectionOf(backend.sendMessages([message({ to: ['zoë@example.com'] })]));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error.message).toMatch(/SMTPUTF8/);
    expect(error.message).toContain('zoë@example.com');
    expect(error.transient).toBe(false);
    expect(eventsOf(smtp.events, 'mail')).toHaveLength(0);
    // The session is untouched: the next message goes over the same connection.
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(smtp.connections).toBe(1);
    await backend.close();
  });
});

describe('smtp backend: options', () => {
  it('takes options not given from the settings, constructor options first', async () => {
    await using smtp = await startSmtpServer();
    configure({ emailHost: smtp.host, emailPort: smtp.port, emailTimeout: 7, emailHostUser: 'settings-user' });
    const fromSettings = new EmailBackend();
    expect([fromSettings.host, fromSettings.port, fromSettings.timeout, fromSettings.username]).toEqual([
      smtp.host,
      smtp.port,
      7,
      'settings-user',
    ]);
    const given = new EmailBackend({ host: 'mail.example.com', port: 2525, timeout: 3, username: 'me' });
    expect([given.host, given.port, given.timeout, given.username]).toEqual(['mail.example.com', 2525, 3, 'me']);
    configure({ emailHostUser: '' });
    expect(await new EmailBackend().sendMessages([message()])).toBe(1);
  });

  it('built from a mailers entry, takes its options from that entry alone (not from configure())', async () => {
    await using smtp = await startSmtpServer();
    configure({
      emailHost: 'not-this-host.invalid',
      emailTimeout: 7,
      emailHostUser: 'settings-user',
      mailers: { default: { backend: 'smtp', options: { host: smtp.host, port: smtp.port } } },
    });
    const backend = (await mailers.get('default')) as EmailBackend;
    expect(backend.alias).toBe('default');
    expect([backend.host, backend.port, backend.timeout, backend.username]).toEqual([smtp.host, smtp.port, null, '']);
    expect(await backend.sendMessages([message()])).toBe(1);
    configure({ mailers: { default: { backend: 'smtp', options: { host: smtp.host, prot: 25 } } } });
    await expect(mailers.get('default')).rejects.toThrow(/"prot"[\s\S]*default|default[\s\S]*"prot"/);
  });

  it('is what getConnection("smtp", options) builds', async () => {
    await using smtp = await startSmtpServer();
    const backend = await getConnection('smtp', { ...smtp.backendOptions() });
    expect(await backend.sendMessages([message()])).toBe(1);
    expect(smtp.messages).toHaveLength(1);
  });

  it('refuses unknown options and wrong types, naming the option', () => {
    expect(() => new EmailBackend({ hots: 'x' } as never)).toThrow(/Unknown option "hots"/);
    expect(() => new EmailBackend({ port: 'abc' as never })).toThrow(/"port"/);
    expect(() => new EmailBackend({ timeout: -1 })).toThrow(/"timeout"/);
    expect(() => new EmailBackend({ useTls: 'yes' as never })).toThrow(/"useTls"/);
  });

  it('useTls and useSsl together are a configuration error when connecting', async () => {
    const backend = new EmailBackend({ host: '127.0.0.1', port: 1, useTls: true, useSsl: true, failSilently: true });
    const error = await rejectionOf(backend.open());
    expect(error.code).toBe('MAIL_CONFIGURATION');
    expect(error.message).toMatch(/useTls.*useSsl/);
    await expect(backend.sendMessages([message()])).rejects.toMatchObject({ code: 'MAIL_CONFIGURATION' });
  });

  it('a client certificate file that cannot be read is a configuration error naming it', async () => {
    const backend = new EmailBackend({
      host: '127.0.0.1',
      port: 1,
      useSsl: true,
      sslCertfile: '/nonexistent/client.pem',
    });
    await expect(backend.open()).rejects.toThrow(/\/nonexistent\/client\.pem/);
  });
});
