import { BaseEmailBackend, ConfigurationError, getConnection, type PreparedMessage } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

/** A backend that, like the smtp backend, lists failSilently among its own option names. */
class ListsFailSilently extends BaseEmailBackend {
  static override readonly optionNames = ['host', 'port', 'failSilently'];
  protected override async deliverOne(_m: PreparedMessage) {}
}

describe('an unknown backend option', () => {
  it('lists each known option once, even one the backend declares again', async () => {
    const error = await getConnection(ListsFailSilently, { prot: 25 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toMatch(/Unknown option "prot".*Did you mean "port"\?/);
    expect(message.match(/failSilently/g)).toHaveLength(1);
  });
});
