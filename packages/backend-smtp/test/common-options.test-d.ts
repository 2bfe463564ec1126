import type { KeyObject } from 'node:crypto';
import { EmailBackend as SmtpBackend } from '@mail/backend-smtp';
import { type CommonBackendOptions, type DkimOptions, getConnection } from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('dkim option types', () => {
  it('takes one key or a list, on every backend and getConnection', () => {
    const key: DkimOptions = { domainName: 'example.com', keySelector: 's', privateKey: 'PEM' };
    expectTypeOf<CommonBackendOptions['dkim']>().toEqualTypeOf<DkimOptions | readonly DkimOptions[] | undefined>();
    expectTypeOf<DkimOptions['privateKey']>().toEqualTypeOf<string | Buffer | KeyObject>();
    new SmtpBackend({ host: 'h', dkim: key });
    new SmtpBackend({ dkim: [key, { ...key, algorithm: 'ed25519-sha256', canonicalization: 'simple/relaxed' }] });
    void getConnection('smtp', { dkim: key });
    // @ts-expect-error rsa-sha1 is not allowed (RFC 8301)
    new SmtpBackend({ dkim: { ...key, algorithm: 'rsa-sha1' } });
    // @ts-expect-error canonicalization is header/body
    new SmtpBackend({ dkim: { ...key, canonicalization: 'relaxed' } });
    new SmtpBackend({ redirectTo: ['qa@example.com'], allowedRecipients: ['@example.com', /^qa\+/] });
    expectTypeOf<CommonBackendOptions['redirectTo']>().toEqualTypeOf<readonly string[] | undefined>();
    // @ts-expect-error redirectTo is a list, not one address
    new SmtpBackend({ redirectTo: 'qa@example.com' });
    // @ts-expect-error allowedRecipients holds strings and RegExps
    new SmtpBackend({ allowedRecipients: [42] });
    // @ts-expect-error keySelector is required
    new SmtpBackend({ dkim: { domainName: 'example.com', privateKey: 'PEM' } });
  });
});
