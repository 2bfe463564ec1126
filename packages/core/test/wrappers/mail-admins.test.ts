// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { configure, resetSettings } from '../../src/settings.js';
import { formatAddressEntry, mailAdmins, mailManagers } from '../../src/wrappers.js';
import { captureBackend } from '../support/backends.js';
import { isolateSettings } from '../support/env.js';

isolateSettings(resetSettings);

describe.each([
  ['mailAdmins', mailAdmins, 'admins', 'ADMINS'],
  ['mailManagers', mailManagers, 'managers', 'MANAGERS'],
] as const)('%s', (_name, send, setting, envName) => {
  it('does nothing when the list is empty: no message, no connection (the backend is never loaded)', async () => {
    configure({ emailBackend: './this/backend/does/not/exist.js' });
    await expect(send({ subject: 's', message: 'm' })).resolves.toBeUndefined();
  });

  it('prefixes the subject, sends from serverEmail to every entry, strings and pairs', async () => {
    const { Backend, batches } = captureBackend();
    configure({
      emailBackend: Backend,
      serverEmail: 'server@example.com',
      emailSubjectPrefix: '[Site] ',
      [setting]: ['Ann <ann@example.com>', ['Doe, John', 'john@example.com'], 'bob@example.com'],
    });
    await send({ subject: 'Disk full', message: '95% used' });
    const mail = await simpleParser(await batches[0]![0]!.message().asBytes());
    expect(mail.subject).toBe('[Site] Disk full');
    expect(mail.from?.value).toEqual([{ address: 'server@example.com', name: '' }]);
    expect((mail.to as { value: unknown[] }).value).toEqual([
      { address: 'ann@example.com', name: 'Ann' },
      { address: 'john@example.com', name: 'Doe, John' },
      { address: 'bob@example.com', name: '' },
    ]);
    expect(mail.text?.trim()).toBe('95% used');
    expect(mail.html).toBe(false);
  });

  it('uses the default prefix, the list from the environment, and an HTML alternative', async () => {
    const { Backend, batches } = captureBackend();
    configure({ emailBackend: Backend });
    process.env[envName] = 'Ops <ops@example.com>, dev@example.com';
    await send({ subject: 'Oops', message: 'plain', htmlMessage: '<h1>Oops</h1>' });
    const mail = await simpleParser(await batches[0]![0]!.message().asBytes());
    expect(mail.subject).toBe('[Mail] Oops');
    expect(mail.from?.value[0]?.address).toBe('root@localhost');
    expect((mail.to as { value: { address: string }[] }).value.map((v) => v.address)).toEqual([
      'ops@example.com',
      'dev@example.com',
    ]);
    expect(mail.html).toBe('<h1>Oops</h1>');
  });

  it('takes using, connection and failSilently', async () => {
    const failing = captureBackend({ fail: true });
    const ok = captureBackend();
    configure({
      [setting]: ['a@example.com'],
      mailers: { default: { backend: ok.Backend }, alerts: { backend: failing.Backend } },
    });
    await expect(send({ subject: 's', message: 'm', using: 'alerts', failSilently: true })).resolves.toBeUndefined();
    expect(failing.instances[0]!.alias).toBe('alerts');
    await expect(send({ subject: 's', message: 'm', using: 'alerts' })).rejects.toThrow(/refused \[Mail\] s/);
    const connection = new ok.Backend();
    await send({ subject: 'given', message: 'm', connection });
    expect(ok.instances).toEqual([connection]);
    expect(ok.log).toContain('deliver [Mail] given');
    await expect(send({ subject: 's', message: 'm', using: 'alerts', connection })).rejects.toThrow(TypeError);
  });

  it('refuses wrong argument types', async () => {
    configure({ [setting]: ['a@example.com'] });
    await expect(send({ subject: 1, message: 'm' } as never)).rejects.toThrow(TypeError);
    await expect(send({ subject: 's', message: 'm', htmlMessage: 5 } as never)).rejects.toThrow(/htmlMessage/);
  });
});

describe('formatAddressEntry', () => {
  it('keeps strings and quotes a pair name only when it needs it', () => {
    expect(formatAddressEntry('Ann <a@x>')).toBe('Ann <a@x>');
    expect(formatAddressEntry(['Ann Lee', 'a@x'])).toBe('Ann Lee <a@x>');
    expect(formatAddressEntry(['Lee, Ann', 'a@x'])).toBe('"Lee, Ann" <a@x>');
    expect(formatAddressEntry(['A "B" \\ C', 'a@x'])).toBe('"A \\"B\\" \\\\ C" <a@x>');
    expect(formatAddressEntry(['', 'a@x'])).toBe('a@x');
  });
});
