import assert from 'node:assert/strict';
import { BadHeaderError, type EmailMessage } from '@mail/core';
import { plainMessage } from './sample-messages.js';
import type { ConformanceEnv, ConformanceGroup } from './types.js';

// Each of these smuggles a Bcc header in through one field (the classic injection); the
// backend must refuse the message before anything is sent.
const INJECT = '\r\nBcc: victim@example.com';

/** Ways to poison one field of a message, by field name. */
export const HEADER_INJECTIONS: Record<string, (message: EmailMessage) => void> = {
  subject: (m) => {
    m.subject = `Hello${INJECT}`;
  },
  'subject (U+2028)': (m) => {
    m.subject = 'Hello\u2028Bcc: victim@example.com';
  },
  from: (m) => {
    m.fromEmail = `sender@example.com${INJECT}`;
  },
  to: (m) => {
    m.to = [`to@example.com${INJECT}`];
  },
  cc: (m) => {
    m.cc = [`cc@example.com${INJECT}`];
  },
  bcc: (m) => {
    m.bcc = [`bcc@example.com${INJECT}`];
  },
  replyTo: (m) => {
    m.replyTo = [`reply@example.com${INJECT}`];
  },
  'display name': (m) => {
    m.to = [`"Evil\nBcc: victim@example.com" <to@example.com>`];
  },
  'extra header value': (m) => {
    m.headers = { 'X-Custom': `value${INJECT}` };
  },
  'extra header name': (m) => {
    m.headers = { 'X-Custom\r\nBcc': 'victim@example.com' };
  },
  'attachment filename': (m) => {
    m.attach(`report${INJECT}.txt`, 'content', 'text/plain');
  },
};

/** Poison a fresh message with `inject` and send it (with others) as `batch` says. */
async function expectRefused(
  env: ConformanceEnv,
  field: string,
  batch: 'alone' | 'after a good one',
  failSilently: boolean,
): Promise<void> {
  const backend = await env.create();
  backend.failSilently = failSilently;
  let sending: Promise<number>;
  try {
    const bad = plainMessage('bad');
    HEADER_INJECTIONS[field](bad);
    sending = backend.sendMessages(batch === 'alone' ? [bad] : [plainMessage('good'), bad]);
  } catch (error) {
    // Refusing earlier (in a setter or attach()) is allowed too.
    assert.ok(error instanceof BadHeaderError, `poisoning ${field} threw ${String(error)}, expected a BadHeaderError`);
    return;
  }
  await assert.rejects(
    sending,
    (error: unknown) => {
      assert.ok(
        error instanceof BadHeaderError,
        `a CR/LF in ${field} must reject with BadHeaderError, got ${String(error)}`,
      );
      return true;
    },
    `a CR/LF in ${field} must be refused${failSilently ? ', even with failSilently' : ''}`,
  );
  const delivered = await env.delivered();
  assert.equal(
    delivered.length,
    0,
    `nothing may be sent when ${field} is poisoned (${batch}); ${delivered.length} message(s) went out`,
  );
}

/** Header injection is refused for every field, before anything is sent, and failSilently never hides it. */
export const headerGuardsGroup: ConformanceGroup = {
  name: 'header guards',
  appliesTo: () => true,
  checks: {
    ...Object.fromEntries(
      Object.keys(HEADER_INJECTIONS).map((field) => [
        `a CR/LF in ${field} is a BadHeaderError and nothing is sent`,
        (env: ConformanceEnv) => expectRefused(env, field, 'alone', false),
      ]),
    ),
    'a poisoned message stops the whole batch before the good one goes out': (env) =>
      expectRefused(env, 'subject', 'after a good one', false),
    'failSilently does not hide a BadHeaderError': (env) => expectRefused(env, 'to', 'alone', true),
  },
};
