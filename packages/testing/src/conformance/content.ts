import assert from 'node:assert/strict';
import { BINARY, normalizeBody, parsedAddresses, RICH_BODY, richMessage } from './sample-messages.js';
import type { ConformanceGroup } from './types.js';

/** What is delivered parses back to what was sent: headers, text, HTML, attachments, bytes. */
export const contentGroup: ConformanceGroup = {
  name: 'content round-trip',
  appliesTo: (capabilities) => capabilities.delivers,
  checks: {
    'subject, addresses and custom headers survive': async (env) => {
      const backend = await env.create();
      const message = richMessage();
      await backend.sendMessages([message]);
      const [delivered] = await env.delivered();
      assert.ok(delivered, 'the message was not delivered');
      const { parsed } = delivered;
      assert.equal(parsed.subject, message.subject, 'the Subject must decode to the subject sent');
      assert.equal(parsed.from?.value[0]?.name, 'Sénder', 'the From display name must decode');
      assert.deepEqual(parsedAddresses(parsed.from), ['sender@example.com']);
      assert.deepEqual(
        parsedAddresses(parsed.to),
        ['ann@example.com', 'bob@example.com'],
        'To must list the To recipients',
      );
      assert.deepEqual(
        parsedAddresses(parsed.cc),
        ['carol@example.com'],
        'Cc must survive a display name with a comma',
      );
      assert.deepEqual(parsedAddresses(parsed.replyTo), ['reply@example.com']);
      assert.equal(parsed.headers.get('x-conformance'), 'round-trip', 'custom headers must be written');
      assert.ok(parsed.messageId, 'a Message-ID must be written');
      assert.ok(parsed.date instanceof Date && !Number.isNaN(parsed.date.getTime()), 'a valid Date must be written');
    },
    'text, HTML alternative and attachments survive byte for byte': async (env) => {
      const backend = await env.create();
      await backend.sendMessages([richMessage()]);
      const [delivered] = await env.delivered();
      assert.ok(delivered, 'the message was not delivered');
      const { parsed } = delivered;
      assert.equal(
        normalizeBody(parsed.text),
        normalizeBody(RICH_BODY),
        'the text body (with dot lines and a long line) must round-trip',
      );
      assert.match(String(parsed.html), /Grüße <b>HTML<\/b>/, 'the text/html alternative must round-trip');
      const binary = parsed.attachments.find((a) => a.filename === 'data.bin');
      assert.ok(
        binary,
        `attachment data.bin missing; got ${parsed.attachments.map((a) => a.filename).join(', ') || 'none'}`,
      );
      assert.ok(binary.content.equals(BINARY), 'binary attachment bytes must round-trip unchanged');
      const notes = parsed.attachments.find((a) => a.filename === 'notes.txt');
      // RFC 2046 §4.1.1: text travels with CRLF line breaks, so compare modulo line endings.
      assert.equal(
        normalizeBody(notes?.content.toString('utf8')),
        'Plain attachment',
        'text attachment must round-trip',
      );
    },
    'lines are CRLF and at most 998 octets (RFC 5322 §2.1.1)': async (env) => {
      const backend = await env.create();
      await backend.sendMessages([richMessage()]);
      const [delivered] = await env.delivered();
      assert.ok(delivered, 'the message was not delivered');
      if (!delivered.raw) return;
      const lines = delivered.raw.toString('latin1').split('\r\n');
      const long = lines.find((line) => Buffer.byteLength(line, 'latin1') > 998);
      assert.equal(long, undefined, 'no line may pass 998 octets');
      if (env.viaSmtp)
        assert.ok(!/[^\r]\n/.test(delivered.raw.toString('latin1')), 'a bare LF must not go on the wire');
    },
  },
};
