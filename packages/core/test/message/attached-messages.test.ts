import { EmailMessage } from '@mail/core';
import { describe, expect, it } from 'vitest';
import { isolateSettings } from '../support/env.js';

isolateSettings();

const message = (subject = 'outer') =>
  new EmailMessage({ subject, body: 'body', fromEmail: 'from@example.com', to: ['to@example.com'] });

describe('a message attached to itself', () => {
  it('directly: a TypeError that says so, not a stack overflow', () => {
    const msg = message();
    msg.attach(msg);
    expect(() => msg.message()).toThrow(TypeError);
    expect(() => msg.message()).toThrow(/attached to itself/);
  });

  it('through another message (A attaches B, B attaches A), and as a [filename, message] attachment', () => {
    const a = message('a');
    const b = message('b');
    a.attach(b);
    b.attach('a.eml', a, 'message/rfc822');
    expect(() => a.message()).toThrow(/attached to itself/);
    expect(() => b.message()).toThrow(/attached to itself/);
  });

  it('the same message attached twice, or nested without a cycle, still builds', async () => {
    const inner = message('inner');
    const middle = message('middle');
    middle.attach(inner);
    const outer = message();
    outer.attach(inner);
    outer.attach(middle);
    const text = (await outer.message().asBytes()).toString();
    expect(text.match(/Subject: inner/g)).toHaveLength(2);
    expect(() => outer.message()).not.toThrow();
  });
});
