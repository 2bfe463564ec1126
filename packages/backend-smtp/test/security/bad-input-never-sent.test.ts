/**
 * Bad input never reaches the wire (API "Header injection"): a BadHeaderError or an
 * InvalidAddressError anywhere in a batch rejects the whole batch before any connection is made,
 * and failSilently never hides it (it covers delivery failures, not bad input).
 */
import { EmailBackend } from '@mail/backend-smtp';
import {
  BadHeaderError,
  configure,
  type EmailMessage,
  InvalidAddressError,
  resetSettings,
  sendMail,
  sendMassMail,
} from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedMessage } from './support.js';

afterEach(() => resetSettings());

const HOSTILE: Array<[string, () => EmailMessage, typeof BadHeaderError | typeof InvalidAddressError]> = [
  ['subject with CRLF', () => fixedMessage({ subject: 'Hi\r\nBcc: evil@attacker.example' }), BadHeaderError],
  [
    'bcc with LF (RCPT TO injection)',
    () => fixedMessage({ bcc: ['a@example.com>\nRCPT TO:<evil@attacker.example'] }),
    BadHeaderError,
  ],
  [
    'from with U+2028',
    () => fixedMessage({ fromEmail: 'a@example.com\u2028Bcc: evil@attacker.example' }),
    BadHeaderError,
  ],
  [
    'two addresses in one entry',
    () => fixedMessage({ to: ['a@example.com, evil@attacker.example'] }),
    InvalidAddressError,
  ],
  [
    'a group in bcc (one RCPT TO per member)',
    () => fixedMessage({ bcc: ['all: a@example.com, evil@attacker.example;'] }),
    InvalidAddressError,
  ],
  ['an address only in a comment', () => fixedMessage({ cc: ['(evil@attacker.example)'] }), InvalidAddressError],
  [
    "an unquoted '@' in a display name",
    () => fixedMessage({ to: ['evil@attacker.example <a@example.com>'] }),
    InvalidAddressError,
  ],
];

describe('bad input is refused before anything is sent, failSilently or not', () => {
  for (const [label, make, ErrorClass] of HOSTILE) {
    for (const failSilently of [false, true]) {
      it(`${label} (failSilently: ${failSilently}): the whole batch is refused, no connection`, async () => {
        await using smtp = await startSmtpServer();
        const backend = new EmailBackend({ ...smtp.backendOptions(), failSilently });
        // The bad message is second: the first must not go out either.
        await expect(backend.sendMessages([fixedMessage(), make(), fixedMessage()])).rejects.toBeInstanceOf(ErrorClass);
        expect(smtp.connections).toBe(0);
        expect(smtp.messages).toHaveLength(0);
      });
    }
  }

  it('through the wrappers too: sendMail and sendMassMail with failSilently', async () => {
    await using smtp = await startSmtpServer();
    configure({ emailBackend: 'smtp', emailHost: smtp.host, emailPort: smtp.port });
    await expect(
      sendMail({
        subject: 'x\nBcc: evil@attacker.example',
        message: 'm',
        fromEmail: 'a@example.com',
        recipientList: ['b@example.com'],
        failSilently: true,
      }),
    ).rejects.toBeInstanceOf(BadHeaderError);
    await expect(
      sendMassMail(
        [
          ['ok', 'm', 'a@example.com', ['b@example.com']],
          ['bad', 'm', 'a@example.com', ['b@example.com\r\nRCPT TO:<evil@attacker.example>']],
        ],
        { failSilently: true },
      ),
    ).rejects.toBeInstanceOf(BadHeaderError);
    expect(smtp.connections).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });
});
