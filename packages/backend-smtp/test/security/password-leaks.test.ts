/**
 * Passwords: no password — in clear, base64 as AUTH PLAIN / AUTH LOGIN send it,
 * percent-encoded as in EMAIL_URL — appears in any error message, `util.inspect` of an error and
 * its causes, console output or log line, on every path: wrong password, refused connection,
 * timeouts, TLS refusals, a server echoing the credentials, EMAIL_URL parse errors, mailer
 * option typos, `util.inspect(getSettings())` and `util.inspect(backend)`.
 *
 * Every string produced is searched for every encoded form of the password.
 */
import { inspect } from 'node:util';
import { EmailBackend } from '@mail/backend-smtp';
import { configure, getConnection, getSettings, mailers, resetSettings, sendMail } from '@mail/core';
import { startSmtpServer } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixedMessage, rejectionOf } from './support.js';

const USER = 'leak-test-user';
const RIGHT = 'Right-Pa55word-for-the-fixture';
// Long enough that every base64 alignment has a distinctive middle; URL-special characters so
// the percent-encoded form differs from the clear one.
const SECRET = 'Sup3r-S3cret:Pa55/w@rd%2B ü+Zz';

/** Every form in which `password` could leak. */
function secretForms(password: string, user = USER): string[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const forms = new Set<string>([
    password,
    encodeURIComponent(password),
    encodeURI(password),
    new URLSearchParams({ p: password }).toString().slice(2), // form encoding: space as '+'
    b64(password), // AUTH LOGIN (RFC 4954 §4)
    b64(`\0${user}\0${password}`), // AUTH PLAIN (RFC 4616 §2)
    b64(`${user}\0${user}\0${password}`),
    Buffer.from(password, 'utf8').toString('hex'),
    JSON.stringify(password).slice(1, -1),
  ]);
  // The part of a base64 encoding that depends only on the password, at each of the 3 alignments
  // it can have inside a longer base64 string.
  for (let k = 0; k < 3; k++) {
    const encoded = b64('x'.repeat(k) + password);
    const middle = encoded.slice(k === 0 ? 0 : 4, -4);
    if (middle.length >= 8) forms.add(middle);
  }
  return [...forms];
}

const FORMS = secretForms(SECRET);

/** Every string an error can show: message, stack, inspect (hidden fields, all causes), JSON. */
function errorStrings(error: unknown): string[] {
  const out = [
    String(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    inspect(error, { depth: Infinity }),
  ];
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error) out.push(e.message, e.stack ?? '');
    try {
      out.push(JSON.stringify(e) ?? '');
    } catch {
      // circular: inspect above covered it
    }
  }
  return out;
}

function expectNoSecret(strings: string[], where: string, forms = FORMS): void {
  for (const text of strings) {
    for (const form of forms) {
      if (text.includes(form)) {
        throw new Error(`${where}: the password leaked as ${JSON.stringify(form)} in:\n${text.slice(0, 2000)}`);
      }
    }
  }
}

/** Capture console and stdout/stderr output while a test runs (passed through to the real streams). */
let captured: string[] = [];
beforeEach(() => {
  captured = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      captured.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: Infinity }))).join(' '));
    });
  }
});

afterEach(() => {
  expectNoSecret(captured, 'console / stdout / stderr output');
  vi.restoreAllMocks();
  resetSettings();
  delete process.env.EMAIL_URL;
  delete process.env.EMAIL_HOST_PASSWORD;
  delete process.env.EMAIL_HOST_USER;
});

describe('no password in errors, inspect output or console output', () => {
  it('the form list itself finds a leak (guards the search)', () => {
    expect(() =>
      expectNoSecret([`AUTH PLAIN ${Buffer.from(`\0${USER}\0${SECRET}`).toString('base64')}`], 'probe'),
    ).toThrow(/leaked/);
    expect(() => expectNoSecret([`xx ${Buffer.from(`ab${SECRET}cd`).toString('base64')}`], 'probe')).toThrow(/leaked/);
    expect(() => expectNoSecret([encodeURIComponent(SECRET)], 'probe')).toThrow(/leaked/);
  });

  it('wrong password (backend option): error, causes and inspect are clean', async () => {
    await using smtp = await startSmtpServer({ auth: { username: USER, password: RIGHT } });
    const backend = new EmailBackend({ ...smtp.backendOptions(), password: SECRET });
    const error = await rejectionOf(() => backend.sendMessages([fixedMessage()]));
    expect((error as { responseCode?: number }).responseCode).toBe(535);
    expectNoSecret(errorStrings(error), 'wrong password error');
    expectNoSecret([inspect(backend, { depth: Infinity, showHidden: true })], 'backend inspect after failure');
  });

  it('wrong password through sendMail({ authUser, authPassword })', async () => {
    await using smtp = await startSmtpServer({ auth: { username: USER, password: RIGHT } });
    configure({ emailBackend: 'smtp', emailHost: smtp.host, emailPort: smtp.port });
    const error = await rejectionOf(() =>
      sendMail({
        subject: 's',
        message: 'm',
        fromEmail: 'a@example.com',
        recipientList: ['b@example.com'],
        authUser: USER,
        authPassword: SECRET,
      }),
    );
    expectNoSecret(errorStrings(error), 'sendMail error');
  });

  it('wrong password from EMAIL_URL in the environment (percent-encoded)', async () => {
    await using smtp = await startSmtpServer({ auth: { username: USER, password: RIGHT } });
    process.env.EMAIL_URL = `smtp://${USER}:${encodeURIComponent(SECRET)}@${smtp.host}:${smtp.port}`;
    expect(getSettings().emailHostPassword).toBe(SECRET); // the URL was read and decoded
    const error = await rejectionOf(() =>
      sendMail({ subject: 's', message: 'm', fromEmail: 'a@example.com', recipientList: ['b@example.com'] }),
    );
    expectNoSecret(errorStrings(error), 'EMAIL_URL send error');
    expectNoSecret(
      [
        inspect(getSettings(), { depth: Infinity, showHidden: true }),
        JSON.stringify(getSettings()),
        String(getSettings()),
      ],
      'getSettings()',
    );
  });

  it('wrong password with failSilently prints nothing and returns 0', async () => {
    await using smtp = await startSmtpServer({ auth: { username: USER, password: RIGHT } });
    const backend = new EmailBackend({ ...smtp.backendOptions(), password: SECRET, failSilently: true });
    expect(await backend.sendMessages([fixedMessage()])).toBe(0);
  });

  it('refused connection, with a password set', async () => {
    const smtp = await startSmtpServer();
    const { host, port } = smtp.backendOptions();
    await smtp.close();
    const error = await rejectionOf(() =>
      new EmailBackend({ host, port, username: USER, password: SECRET, timeout: 1 }).sendMessages([fixedMessage()]),
    );
    expectNoSecret(errorStrings(error), 'refused connection error');
  });

  it('a server that times out after AUTH', async () => {
    await using smtp = await startSmtpServer({
      auth: { username: USER, password: SECRET },
      faults: { hangAt: 'mail' },
    });
    const backend = new EmailBackend({ ...smtp.backendOptions(), timeout: 0.5 });
    const error = await rejectionOf(() => backend.sendMessages([fixedMessage()]));
    expectNoSecret(errorStrings(error), 'timeout error');
    expectNoSecret([inspect(backend, { depth: Infinity, showHidden: true })], 'backend inspect');
  });

  it('a server that echoes the credentials in its reply', async () => {
    const plain = Buffer.from(`\0${USER}\0${SECRET}`).toString('base64');
    await using smtp = await startSmtpServer({
      auth: { username: USER, password: SECRET },
      faults: { rejectSender: { code: 550, message: `Rejected after AUTH PLAIN ${plain} (${SECRET})` } },
    });
    const error = await rejectionOf(() => new EmailBackend(smtp.backendOptions()).sendMessages([fixedMessage()]));
    expect((error as { responseCode?: number }).responseCode).toBe(550);
    expectNoSecret(errorStrings(error), 'echoed reply error');
  });

  it('useTls refused by a server without STARTTLS, with a password set', async () => {
    await using smtp = await startSmtpServer({
      tls: 'starttls',
      hideStartTls: true,
      auth: { username: USER, password: SECRET },
    });
    const error = await rejectionOf(() =>
      new EmailBackend({ ...smtp.backendOptions(), useTls: true }).sendMessages([fixedMessage()]),
    );
    expectNoSecret(errorStrings(error), 'STARTTLS refusal');
  });

  it('an untrusted certificate, with a password set', async () => {
    await using smtp = await startSmtpServer({ tls: 'implicit', auth: { username: USER, password: SECRET } });
    const { tlsOptions: _ca, ...options } = smtp.backendOptions();
    const error = await rejectionOf(() => new EmailBackend({ ...options, timeout: 2 }).sendMessages([fixedMessage()]));
    expectNoSecret(errorStrings(error), 'certificate error');
  });

  it('a backend holding a password: inspect, JSON and spread never show it (before and after open)', async () => {
    await using smtp = await startSmtpServer({ auth: { username: USER, password: SECRET } });
    const backend = new EmailBackend(smtp.backendOptions());
    const views = () => [
      inspect(backend, { depth: Infinity, showHidden: true }),
      inspect(backend),
      JSON.stringify({ ...backend }),
      String(backend),
    ];
    expectNoSecret(views(), 'backend before open');
    await backend.open();
    expectNoSecret(views(), 'backend while open');
    await backend.sendMessages([fixedMessage()]);
    await backend.close();
    expect(smtp.messages).toHaveLength(1);
    const viaConnection = await getConnection('smtp', smtp.backendOptions());
    expectNoSecret([inspect(viaConnection, { depth: Infinity, showHidden: true })], 'getConnection() backend');
  });

  it('getSettings() never shows the password: configure(), the environment and emailUrl', () => {
    const views = () => {
      const s = getSettings();
      return [
        inspect(s, { depth: Infinity, showHidden: true }),
        inspect(s),
        JSON.stringify(s),
        JSON.stringify({ ...s }),
        String(s),
        inspect({ ...s }),
      ];
    };
    configure({ emailHostPassword: SECRET });
    expect(getSettings().emailHostPassword).toBe(SECRET);
    expectNoSecret(views(), 'getSettings() with emailHostPassword');
    resetSettings();
    process.env.EMAIL_HOST_PASSWORD = SECRET;
    expect(getSettings().emailHostPassword).toBe(SECRET);
    expectNoSecret(views(), 'getSettings() with EMAIL_HOST_PASSWORD');
    delete process.env.EMAIL_HOST_PASSWORD;
    configure({ emailUrl: `smtp://${USER}:${encodeURIComponent(SECRET)}@smtp.example.com:587?tls=true` });
    expect(getSettings().emailHostPassword).toBe(SECRET);
    expectNoSecret(views(), 'getSettings() with emailUrl');
  });

  it('EMAIL_URL / emailUrl parse errors never show the password', async () => {
    const enc = encodeURIComponent(SECRET);
    const bad = [
      `smtp://${USER}:${enc}@smtp.example.com:notaport`,
      `smtp://${USER}:${enc}@smtp.example.com:99999`,
      `smtp://${USER}:${enc}@`,
      `smtp://${USER}:${enc}@smtp.example.com?tls=maybe`,
      `smtp://${USER}:${enc}@smtp.example.com?unknown=1`,
      `smtp://${USER}:${enc}@smtp.example.com?timeout=-1`,
      `smtpx://${USER}:${enc}@smtp.example.com`,
      `smtp://${USER}:${SECRET}@smtp.example.com`, // unencoded: '/', '%2B', '@' and ' ' inside
      `smtp://${USER}:${enc}%E0%A4%A@smtp.example.com`, // malformed percent-encoding
      `smtp:${USER}:${enc}@smtp.example.com`, // no '//'
      `smtp:/${USER}:${enc}@smtp.example.com`,
      ` smtp://${USER}:${enc}@smtp.example.com:25 x`,
      `smtp://${USER}:${enc}@[::1`,
      `smtp://${USER}:${enc}`, // the host forgotten: the URL parser reads user:password as host:port
      `smtp://${USER}:${enc}/`,
    ];
    const leaks: string[] = [];
    const collect = (strings: string[], where: string) => {
      try {
        expectNoSecret(strings, where);
      } catch (e) {
        leaks.push((e as Error).message.split('\n').slice(0, 2).join(' | '));
      }
    };
    for (const url of bad) {
      for (const via of ['configure', 'env'] as const) {
        resetSettings();
        delete process.env.EMAIL_URL;
        let error: unknown;
        try {
          if (via === 'configure') configure({ emailUrl: url });
          else process.env.EMAIL_URL = url;
          getSettings();
          await getConnection();
        } catch (e) {
          error = e;
        }
        // Not every odd URL is an error (some parse); those that are must not leak.
        if (error !== undefined) collect(errorStrings(error), `${via} ${JSON.stringify(url)}`);
        let views: string[];
        try {
          views = [inspect(getSettings(), { depth: Infinity, showHidden: true }), JSON.stringify(getSettings())];
        } catch (e) {
          views = errorStrings(e);
        }
        collect(views, `getSettings() after ${via} ${JSON.stringify(url)}`);
      }
    }
    expect(leaks, leaks.join('\n')).toEqual([]);
  });

  it('a mistyped password option in a mailer is refused without showing its value', async () => {
    configure({
      mailers: { default: { backend: 'smtp', options: { host: 'smtp.example.com', pasword: SECRET, pwd: SECRET } } },
    });
    const error = await rejectionOf(() => mailers.get('default'));
    expect((error as Error).message).toMatch(/pasword|pwd/);
    expectNoSecret(errorStrings(error), 'mailer option typo error');
    expectNoSecret(
      [inspect(getSettings(), { depth: Infinity, showHidden: true }), JSON.stringify(getSettings())],
      'getSettings() with a mailer typo',
    );
  });

  it('a mailer password is masked in getSettings() and absent from the backend inspect', async () => {
    await using smtp = await startSmtpServer({ auth: { username: USER, password: SECRET } });
    configure({ mailers: { default: { backend: 'smtp', options: smtp.backendOptions() } } });
    expectNoSecret(
      [inspect(getSettings(), { depth: Infinity, showHidden: true }), JSON.stringify(getSettings())],
      'getSettings() with mailers',
    );
    const backend = await mailers.get('default');
    expectNoSecret([inspect(backend, { depth: Infinity, showHidden: true })], 'mailer backend inspect');
    expect(await backend.sendMessages([fixedMessage()])).toBe(1);
  });
});
