import { EmailMultiAlternatives } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';
import { built } from './wire-rules.js';

isolateSettings();

// The "rich" workload of the performance targets (PERFORMANCE.md), checked for correctness.
describe('the rich workload message', () => {
  it('is correct on the wire and reads back whole', async () => {
    const text = 'Hello Zoë, this is line of the message body. '.repeat(60).slice(0, 2048);
    const html = '<p>Hello <b>Zoë</b>, this is the html part.</p>'.repeat(100).slice(0, 4096);
    const bin = Buffer.alloc(20_480);
    for (let k = 0; k < bin.length; k++) bin[k] = (k * 31 + 7) % 256;
    const message = new EmailMultiAlternatives({
      fromEmail: 'Zoë Ünïcode <zoe@example.com>',
      to: ['user7@example.org', 'Второй <second@example.net>'],
      subject: 'Réunion n°7 — ordre du jour',
      body: text,
    });
    message.attachAlternative(html, 'text/html');
    message.attach('report.bin', bin, 'application/octet-stream');
    const { raw, parsed } = await built(message.message());
    expect(raw.length).toBeGreaterThan(30_000);
    expect(raw.length).toBeLessThan(45_000);
    expect(parsed.subject).toBe('Réunion n°7 — ordre du jour');
    expect(parsed.from?.value).toEqual([{ address: 'zoe@example.com', name: 'Zoë Ünïcode' }]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value).toEqual([
      { address: 'user7@example.org', name: '' },
      { address: 'second@example.net', name: 'Второй' },
    ]);
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(parsed.attachments[0].content.equals(bin)).toBe(true);
  });
});
