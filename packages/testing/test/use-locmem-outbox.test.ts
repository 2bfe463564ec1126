import { getSettings, resetSettings } from '@mail/core';
import { getOutbox, OUTBOX_KEY } from '@mail/testing';
import { setupMailTesting, useLocmemOutbox } from '@mail/testing/vitest';
import { afterAll, describe, expect, it } from 'vitest';

afterAll(() => resetSettings());

describe('useLocmemOutbox', () => {
  const outbox = useLocmemOutbox();

  it('returns the outbox @mail/backend-locmem keeps on globalThis', () => {
    expect(outbox).toBe((globalThis as Record<symbol, unknown>)[OUTBOX_KEY]);
    expect(outbox).toBe(getOutbox());
    expect(setupMailTesting).toBe(useLocmemOutbox);
  });

  it('points the default connection at locmem before each test', () => {
    expect(getSettings().emailBackend).toBe('locmem');
    outbox.push({ left: 'by this test' });
  });

  it('empties the outbox before each test, in place', () => {
    expect(outbox).toEqual([]);
    expect(getOutbox()).toBe(outbox);
  });
});
