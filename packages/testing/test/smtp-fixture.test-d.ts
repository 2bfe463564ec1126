import type { getConnection } from '@mail/core';
import type { SmtpFixture } from '@mail/testing';
import { expectTypeOf, test } from 'vitest';

test("backendOptions() fits getConnection()'s options", () => {
  expectTypeOf<typeof getConnection>().toBeCallableWith('smtp', {} as ReturnType<SmtpFixture['backendOptions']>);
  expectTypeOf<ReturnType<SmtpFixture['backendOptions']>>().toMatchTypeOf<{ host: string; port: number }>();
});
