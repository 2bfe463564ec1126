import {
  type BackendClass,
  type BackendConstructor,
  type BaseEmailBackend,
  configure,
  getConnection,
  getSettings,
  mailers,
  type Settings,
} from '@mail/core';
import { describe, expectTypeOf, it } from 'vitest';

declare const Custom: BackendClass;

describe('configure()', () => {
  it('takes the settings with their types', () => {
    configure({ emailHost: 'smtp.example.com', emailPort: 587, emailUseTls: true, emailTimeout: null });
    configure({ admins: ['Ann <ann@example.com>', ['Bob', 'bob@example.com']], emailBackend: Custom });
    configure({ mailers: { default: { backend: 'smtp', options: { host: 'h' } }, bulk: {} }, emailUrl: null });
    configure({ emailHost: undefined });
    // @ts-expect-error unknown setting name
    configure({ emailHots: 'x' });
    // @ts-expect-error a port is a number
    configure({ emailPort: 'abc' });
    // @ts-expect-error a boolean is not a string
    configure({ emailUseTls: 'true' });
    // @ts-expect-error emailHost is not nullable
    configure({ emailHost: null });
    // @ts-expect-error admins pairs have two strings
    configure({ admins: [['Only a name']] });
    // @ts-expect-error a mailer's options are an object
    configure({ mailers: { default: { options: 'host=x' } } });
  });

  it('getSettings() is typed and read-only', () => {
    const s = getSettings();
    expectTypeOf(s).toEqualTypeOf<Settings>();
    expectTypeOf(s.emailPort).toEqualTypeOf<number>();
    expectTypeOf(s.emailTimeout).toEqualTypeOf<number | null>();
    expectTypeOf(s.emailBackend).toEqualTypeOf<string | BackendConstructor>();
    // every backend class is a setting value
    expectTypeOf<BackendClass>().toMatchTypeOf<Settings['emailBackend']>();
    // @ts-expect-error settings are read-only: use configure()
    s.emailHost = 'x';
  });

  it('getConnection() and mailers resolve to backends', () => {
    expectTypeOf(getConnection()).toEqualTypeOf<Promise<BaseEmailBackend>>();
    expectTypeOf(getConnection('smtp', { host: 'h', failSilently: true })).toEqualTypeOf<Promise<BaseEmailBackend>>();
    expectTypeOf(mailers.get('bulk')).toEqualTypeOf<Promise<BaseEmailBackend>>();
    expectTypeOf(mailers.has('bulk')).toEqualTypeOf<boolean>();
    expectTypeOf(mailers.aliases()).toEqualTypeOf<string[]>();
    // @ts-expect-error a backend is a string, a class or null
    getConnection(42);
  });
});
