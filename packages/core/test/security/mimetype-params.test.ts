/**
 * Header injection through mimetype parameters (`text/calendar; method=REQUEST`): hostile text
 * as a quoted or a bare parameter value, in an alternative, an attachment and a MimePart. A
 * line break is always a BadHeaderError, another control a BadHeaderError too; anything else is
 * either a TypeError (malformed) or a message whose headers are exactly the intended ones and
 * whose parameter comes back as typed (mailparser).
 */
import { BadHeaderError, EmailMultiAlternatives } from '@mail/core';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { fcParams, runs } from './support/fc-params.js';
import { hostile, LINE_BREAK, OTHER_CONTROL, safeText } from './support/hostile-strings.js';
import { lineProblems } from './support/raw-message.js';

type Where = 'alternative' | 'attachment' | 'part';

function message(mimetype: string, where: Where): EmailMultiAlternatives {
  const m = new EmailMultiAlternatives({
    subject: 's',
    body: 'b',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
  });
  if (where === 'alternative') m.attachAlternative('BEGIN:VCALENDAR', mimetype);
  else if (where === 'attachment') m.attach('invite.ics', 'BEGIN:VCALENDAR', mimetype);
  else m.attach({ contentType: mimetype, content: Buffer.from('BEGIN:VCALENDAR'), filename: 'invite.ics' });
  return m;
}

/** The header blocks of the message and of each part, in order (bodies dropped). */
function headerBlocks(raw: string): string[] {
  return raw.split(/\r\n--[^\r\n]*\r\n/).map((block) => block.slice(0, block.indexOf('\r\n\r\n')));
}

/** The header names of those blocks, lowercased, in order. */
function allHeaderNames(blocks: string[]): string[] {
  return blocks.flatMap((block) =>
    block
      .split('\r\n')
      .filter((line) => line && !/^[ \t]/.test(line))
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase()),
  );
}

describe('mimetype parameters: header injection', () => {
  const expected = {
    alternative: [
      'content-type',
      'mime-version',
      'subject',
      'from',
      'to',
      'date',
      'message-id',
      'content-type',
      'content-transfer-encoding',
      'content-type',
      'content-transfer-encoding',
    ],
    attachment: [
      'content-type',
      'mime-version',
      'subject',
      'from',
      'to',
      'date',
      'message-id',
      'content-type',
      'content-transfer-encoding',
      'content-type',
      'content-transfer-encoding',
      'content-disposition',
    ],
  };
  const outcomes = { refused: 0, malformed: 0, built: 0 };

  it('refuses or writes exactly the intended headers, the value intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile(safeText),
        fc.boolean(),
        fc.constantFrom<Where>('alternative', 'attachment', 'part'),
        async (value, quoted, where) => {
          const mimetype = quoted
            ? `text/calendar; method=REQUEST; x-v="${value.replace(/[\\"]/g, '\\$&')}"`
            : `text/calendar; x-v=${value}`;
          const m = message(mimetype, where);
          let built: ReturnType<typeof m.message>;
          try {
            built = m.message();
          } catch (error) {
            if (LINE_BREAK.test(value) || OTHER_CONTROL.test(value)) {
              expect(error).toBeInstanceOf(BadHeaderError);
              outcomes.refused++;
            } else {
              expect(error).toBeInstanceOf(TypeError);
              expect(quoted, `a quoted value ${JSON.stringify(value)} was refused: ${(error as Error).message}`).toBe(
                false,
              );
              outcomes.malformed++;
            }
            return;
          }
          expect(LINE_BREAK.test(value) || OTHER_CONTROL.test(value), 'a line break or control was accepted').toBe(
            false,
          );
          const raw = await built.asBytes();
          expect(lineProblems(raw)).toEqual([]);
          const blocks = headerBlocks(raw.toString('latin1'));
          for (const block of blocks) expect(/[^\x00-\x7f]/.test(block), 'non-ASCII in a header').toBe(false);
          expect(allHeaderNames(blocks)).toEqual(expected[where === 'alternative' ? 'alternative' : 'attachment']);
          const parsed = await simpleParser(raw);
          const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
          const params = (part?.headers.get('content-type') as { params: Record<string, string> } | undefined)?.params;
          // A bare value is a token: blanks around it are not part of it, and a ';' starts another parameter.
          const bare = value.replace(/^[ \t]+|[ \t]+$/g, '');
          if (quoted) expect(params?.['x-v']).toBe(value);
          else if (/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/.test(bare)) expect(params?.['x-v']).toBe(bare);
          expect(params?.charset).toBe('utf-8');
          outcomes.built++;
        },
      ),
      fcParams(runs(1000)),
    );
    // Both branches ran: refusals and built messages.
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.built).toBeGreaterThan(0);
  }, 120_000);
});
