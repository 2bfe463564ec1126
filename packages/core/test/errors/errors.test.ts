import { inspect } from 'node:util';
import {
  BackendImportError,
  BadHeaderError,
  ConfigurationError,
  InvalidAddressError,
  MailError,
  MailerDoesNotExist,
  SendError,
} from '@mail/core';
import { describe, expect, it } from 'vitest';

const CLASSES = [
  [BadHeaderError, 'MAIL_BAD_HEADER'],
  [ConfigurationError, 'MAIL_CONFIGURATION'],
  [BackendImportError, 'MAIL_BACKEND_IMPORT'],
  [MailerDoesNotExist, 'MAIL_MAILER_DOES_NOT_EXIST'],
  [InvalidAddressError, 'MAIL_INVALID_ADDRESS'],
  [SendError, 'MAIL_SEND_FAILED'],
] as const;

describe('MailError and its classes', () => {
  it.each(CLASSES)('%o has its stable code and name, extends MailError and Error', (Class, code) => {
    const error = new Class('what happened');
    expect(error.code).toBe(code);
    expect(error.name).toBe(Class.errorName);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('what happened');
    expect(Object.keys(error)).not.toContain('name'); // shown once by inspect, in the header
  });

  it('keeps the cause, so ECONNREFUSED still shows down the chain', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' });
    const error = new SendError('Could not open the connection', { cause, transient: true });
    expect(error.cause).toBe(cause);
    expect(inspect(error)).toContain('ECONNREFUSED');
    expect(new MailError('x').cause).toBeUndefined();
  });

  it('lets a code be given, and a subclass inherit or set its own', () => {
    class SmtpError extends SendError {
      static override defaultCode = 'MAIL_SMTP';
    }
    const error = new SmtpError('550 no such user', { sent: 1 });
    expect([error.name, error.code, error.sent, error.transient, error.messageIndex]).toEqual([
      'SmtpError',
      'MAIL_SMTP',
      1,
      false,
      undefined,
    ]);
    expect(error).toBeInstanceOf(SendError);
    expect(new ConfigurationError('x', { code: 'MAIL_CUSTOM' }).code).toBe('MAIL_CUSTOM');
  });

  it('instanceof works across copies by brand, and stays exact between sibling classes', () => {
    // An error built by "another copy": a different class with the same stable names.
    class OtherMailError extends Error {}
    const foreign = Object.defineProperty(new OtherMailError('x'), Symbol.for('@mail/core.error-kind'), {
      value: ['SendError', 'MailError'],
    });
    expect(foreign).toBeInstanceOf(SendError);
    expect(foreign).toBeInstanceOf(MailError);
    expect(foreign).not.toBeInstanceOf(BadHeaderError);
    expect(new BadHeaderError('x')).not.toBeInstanceOf(ConfigurationError);
    expect({}).not.toBeInstanceOf(MailError);
    expect(null).not.toBeInstanceOf(MailError);
  });

  it('uses the declared name even when a bundler renames the class', () => {
    // esbuild renames a class on a name clash (SendError2); the brand must not follow that.
    const Renamed = class SendError2 extends SendError {};
    Object.defineProperty(Renamed, 'errorName', { value: 'SendError' });
    const error = new Renamed('x');
    expect(error.name).toBe('SendError');
    expect(error).toBeInstanceOf(SendError);
  });
});
