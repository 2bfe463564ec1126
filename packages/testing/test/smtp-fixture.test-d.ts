import type { getConnection } from '@mail/core';
import { expectTypeOf, test } from 'vitest';
import type { SmtpFixture } from '../src/index.js';

test("backendOptions() fits getConnection()'s options", () => {
  expectTypeOf<typeof getConnection>().toBeCallableWith('smtp', {} as ReturnType<SmtpFixture['backendOptions']>);
  expectTypeOf<ReturnType<SmtpFixture['backendOptions']>>().toMatchTypeOf<{ host: string; port: number }>();
});
