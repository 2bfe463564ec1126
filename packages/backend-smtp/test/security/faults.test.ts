/**
 * Faults, injected by the SMTP fixture: refused sender, one refused recipient among
 * several, all refused, 421 in the middle of a session, the connection dropped during DATA, a
 * server that never answers, failed AUTH. Each gives a typed error (SmtpError, a SendError, with
 * the reply code and whether it is transient), the delivered count is right, nothing is
 * reported sent that the server did not accept, and the next send on the same backend works.
 */
import { EmailBackend, SmtpError } from '@mail/backend-smtp';
import { SendError } from '@mail/core';
import { type SmtpFixture, startSmtpServer } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { fixedMessage, rejectionOf } from './support.js';

const TIMEOUT = 0.5; // seconds: keeps the "never answers" cases short

function backendFor(smtp: SmtpFixture, extra: Record<string, unknown> = {}) {
  return new EmailBackend({ ...smtp.backendOptions(), timeout: TIMEOUT, ...extra });
}

function batch(n: number) {
  return Array.from({ length: n }, (_, i) =>
    fixedMessage({ fromEmail: `sender${i}@example.com`, subject: `message ${i}` }),
  );
}

/** After a fault is cleared, the same backend delivers again. */
async function nextSendWorks(smtp: SmtpFixture, backend: EmailBackend): Promise<void> {
  smtp.faults = {};
  const before = smtp.messages.length;
  expect(await backend.sendMessages([fixedMessage({ subject: 'after the fault' })])).toBe(1);
  expect(smtp.messages).toHaveLength(before + 1);
  expect(smtp.messages.at(-1)!.parsed.subject).toBe('after the fault');
}

function expectSmtpError(error: unknown, fields: { responseCode?: number; transient: boolean; sent: number }) {
  expect(error).toBeInstanceOf(SmtpError);
  expect(error).toBeInstanceOf(SendError);
  const e = error as SmtpError;
  if (fields.responseCode !== undefined) expect(e.responseCode).toBe(fields.responseCode);
  expect(e.transient).toBe(fields.transient);
  expect(e.sent).toBe(fields.sent);
  expect(e.code).toBe('MAIL_SEND_FAILED');
}

describe('SMTP faults: typed errors, right counts, the backend recovers', () => {
  for (const open of [false, true]) {
    const mode = open ? 'backend opened first' : 'connection per sendMessages';
    describe(mode, () => {
      async function setUp(smtp: SmtpFixture, extra: Record<string, unknown> = {}) {
        const backend = backendFor(smtp, extra);
        if (open) await backend.open();
        return backend;
      }

      it('refused sender (550): permanent, nothing delivered', async () => {
        await using smtp = await startSmtpServer({
          faults: { rejectSender: { code: 550, address: 'sender1@example.com' } },
        });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() => backend.sendMessages(batch(3)));
        expectSmtpError(error, { responseCode: 550, transient: false, sent: 1 });
        expect((error as SendError).messageIndex).toBe(1);
        expect(smtp.messages.map((m) => m.envelope.mailFrom)).toEqual(['sender0@example.com']);
        await nextSendWorks(smtp, backend);
      });

      it('one refused recipient among several: sent once, the refusal in its report, the batch goes on', async () => {
        await using smtp = await startSmtpServer({ faults: { rejectRecipients: { 'b@example.com': 550 } } });
        await using backend = await setUp(smtp);
        const message = fixedMessage({ to: ['a@example.com', 'b@example.com'], cc: ['c@example.com'] });
        const after = fixedMessage({ to: ['d@example.com'] });
        expect(await backend.sendMessages([message, after])).toBe(2);
        const report = message.delivery!;
        expect([...report.accepted].sort()).toEqual(['a@example.com', 'c@example.com']);
        expect(report.rejected).toEqual([
          { address: 'b@example.com', code: 550, response: expect.stringMatching(/^550 /) },
        ]);
        // What the server accepted is exactly the recipients the report says were accepted.
        expect(smtp.messages[0]!.envelope.rcptTo.sort()).toEqual(['a@example.com', 'c@example.com']);
        expect(smtp.messages[1]!.envelope.rcptTo).toEqual(['d@example.com']);
        await nextSendWorks(smtp, backend);
      });

      it('every recipient refused: nothing delivered, the reply code is kept', async () => {
        await using smtp = await startSmtpServer({
          faults: {
            rejectRecipients: { 'a@example.com': 550, 'b@example.com': { code: 553, message: 'no such user' } },
          },
        });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() =>
          backend.sendMessages([fixedMessage({ to: ['a@example.com', 'b@example.com'] })]),
        );
        expectSmtpError(error, { transient: false, sent: 0 });
        expect([550, 553]).toContain((error as SmtpError).responseCode);
        expect(smtp.messages).toHaveLength(0);
        await nextSendWorks(smtp, backend);
      });

      it('421 in the middle of a session: transient, the count says what went before', async () => {
        await using smtp = await startSmtpServer({
          faults: { rejectSender: { code: 421, address: 'sender1@example.com' } },
        });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() => backend.sendMessages(batch(3)));
        expectSmtpError(error, { responseCode: 421, transient: true, sent: 1 });
        expect(smtp.messages).toHaveLength(1);
        await nextSendWorks(smtp, backend);
      });

      it('4xx at the end of DATA: transient, not delivered', async () => {
        await using smtp = await startSmtpServer({ faults: { failData: { code: 451, message: 'local error' } } });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() => backend.sendMessages(batch(2)));
        expectSmtpError(error, { responseCode: 451, transient: true, sent: 0 });
        expect(smtp.messages).toHaveLength(0);
        await nextSendWorks(smtp, backend);
      });

      it('connection dropped during DATA: transient, not counted, the next send reconnects', async () => {
        await using smtp = await startSmtpServer({ faults: { dropAt: 'data' } });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() => backend.sendMessages(batch(2)));
        expectSmtpError(error, { transient: true, sent: 0 });
        expect((error as SmtpError).responseCode).toBeUndefined();
        expect(smtp.messages).toHaveLength(0);
        await nextSendWorks(smtp, backend);
      });

      it('a server that never answers MAIL: a timeout, transient, not counted', async () => {
        await using smtp = await startSmtpServer({ faults: { hangAt: 'mail' } });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() => backend.sendMessages(batch(1)));
        expectSmtpError(error, { transient: true, sent: 0 });
        expect((error as Error).message).toMatch(/time/i);
        expect(smtp.messages).toHaveLength(0);
        await nextSendWorks(smtp, backend);
      });

      it('a server that never answers after DATA: not reported sent', async () => {
        await using smtp = await startSmtpServer({ faults: { hangAt: 'data' } });
        await using backend = await setUp(smtp);
        const error = await rejectionOf(() => backend.sendMessages(batch(1)));
        expectSmtpError(error, { transient: true, sent: 0 });
        await nextSendWorks(smtp, backend);
      });

      it('failSilently skips the failed message, counts only the delivered ones', async () => {
        await using smtp = await startSmtpServer({
          faults: { rejectSender: { code: 550, address: 'sender1@example.com' } },
        });
        await using backend = await setUp(smtp, { failSilently: true });
        expect(await backend.sendMessages(batch(3))).toBe(2);
        expect(smtp.messages.map((m) => m.envelope.mailFrom)).toEqual(['sender0@example.com', 'sender2@example.com']);
      });
    });
  }

  it('a server that never greets: a timeout when opening, transient', async () => {
    await using smtp = await startSmtpServer({ faults: { hangAt: 'greeting' } });
    const backend = backendFor(smtp);
    const error = await rejectionOf(() => backend.sendMessages(batch(1)));
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).transient).toBe(true);
    expect((error as SendError).sent).toBe(0);
    await nextSendWorks(smtp, backend);
  });

  it('failed AUTH (535): permanent, nothing sent, no MAIL', async () => {
    await using smtp = await startSmtpServer({ auth: { username: 'user', password: 'right-password' } });
    const backend = backendFor(smtp, { password: 'wrong-password' });
    const error = await rejectionOf(() => backend.sendMessages(batch(2)));
    expectSmtpError(error, { responseCode: 535, transient: false, sent: 0 });
    expect(smtp.events.filter((e) => e.type === 'mail')).toEqual([]);
    expect(smtp.messages).toHaveLength(0);
    // The same backend, given the right password, recovers.
    backend.password = 'right-password';
    await nextSendWorks(smtp, backend);
    expect(smtp.messages.at(-1)!.user).toBe('user');
  });

  it('a refused connection is a transient SendError whose cause chain shows ECONNREFUSED', async () => {
    const smtp = await startSmtpServer();
    const { host, port } = smtp.backendOptions();
    await smtp.close();
    const error = await rejectionOf(() => new EmailBackend({ host, port, timeout: TIMEOUT }).sendMessages(batch(1)));
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).transient).toBe(true);
    const chain: unknown[] = [];
    for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) chain.push((e as { code?: unknown }).code);
    expect(chain).toContain('ECONNREFUSED');
  });
});
