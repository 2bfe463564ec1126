// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DotStuffer } from '../src/dot-stuffer.js';

/** Run the stuffer over the chunks and add its terminator: what goes on the wire after DATA. */
function wire(chunks: Buffer[], crlf = false): Buffer {
  const stuffer = new DotStuffer({ crlf });
  return Buffer.concat([...chunks.map((c) => stuffer.push(c)), stuffer.end()]);
}

/** Line endings normalised as the stuffer must: every CR, LF and CRLF becomes CRLF. */
function normalised(input: Buffer): string {
  return input.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
}

/** What a receiver does (RFC 5321 §4.5.2): read lines up to "." alone, dropping one leading dot. */
function receive(data: Buffer): { body: string; rest: string } {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n.\r\n');
  const start = text.startsWith('.\r\n') ? -2 : end;
  expect(start).not.toBe(-1);
  const body = start === -2 ? '' : text.slice(0, end + 2);
  const rest = start === -2 ? text.slice(3) : text.slice(end + 5);
  return { body: body.replace(/^\./gm, ''), rest };
}

const chunked = (bytes: Uint8Array, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(Buffer.from(bytes.subarray(from, p)));
    from = p;
  }
  out.push(Buffer.from(bytes.subarray(from)));
  return out;
};

describe('DotStuffer', () => {
  it('passes clean CRLF content through untouched', () => {
    const content = Buffer.from('Subject: x\r\n\r\nline one\r\nline two\r\n');
    const stuffer = new DotStuffer();
    expect(stuffer.push(content)).toBe(content);
    expect(stuffer.end().toString()).toBe('.\r\n');
  });

  it.each([
    ['a\n.\nb', 'a\r\n..\r\nb\r\n.\r\n'],
    ['a\r\n.\r\nb', 'a\r\n..\r\nb\r\n.\r\n'],
    ['a\r.\rb', 'a\r\n..\r\nb\r\n.\r\n'],
    ['.', '..\r\n.\r\n'],
    ['x\r', 'x\r\n.\r\n'],
    ['', '.\r\n'],
  ])('stuffs %j', (input, expected) => {
    expect(wire([Buffer.from(input)]).toString('latin1')).toBe(expected);
  });

  it('never ends the data early and round-trips any bytes, however they are chunked', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }).chain((a) => fc.tuple(fc.constant(a), fc.array(fc.nat(), { maxLength: 6 }))),
        ([random, cuts]) => {
          // Random bytes, and the same mapped onto CR, LF, '.' and 'A' so the tricky sequences are common.
          for (const bytes of [random, Uint8Array.from(random, (b) => [0x0d, 0x0a, 0x2e, 0x41][b % 4]!)]) {
            const data = wire(chunked(bytes, cuts));
            const text = data.toString('latin1');
            // Only CRLF line breaks on the wire.
            expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
            const { body, rest } = receive(data);
            expect(rest).toBe('');
            const expected = normalised(Buffer.from(bytes));
            expect(body).toBe(expected === '' || expected.endsWith('\r\n') ? expected : `${expected}\r\n`);
          }
        },
      ),
      { numRuns: 2000, seed: 20261123 },
    );
  });

  describe('with crlf (content known to break lines with CRLF only, as core builds it)', () => {
    it('gives the same wire as the general path for CRLF content, however it is chunked', () => {
      const crlfContent = fc
        .array(fc.constantFrom('a', '.', '..', ' ', '\r\n', 'é'), { maxLength: 40 })
        .map((p) => Buffer.from(p.join('')));
      fc.assert(
        fc.property(crlfContent, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
          expect(wire(chunked(bytes, cuts), true).equals(wire(chunked(bytes, cuts)))).toBe(true);
        }),
        { numRuns: 2000, seed: 20261129 },
      );
    });

    it('passes CRLF content without dot lines through untouched', () => {
      const content = Buffer.from('Subject: x\r\n\r\nline one.\r\nline two\r\n');
      expect(new DotStuffer({ crlf: true }).push(content)).toBe(content);
    });

    it('even when the content breaks its promise, never lets an end of data through', () => {
      // Bare CR and LF may then pass (they are not normalised), but a dot after any line break
      // takes the general path, so no end-of-data look-alike reaches the wire.
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 60 }).chain((a) => fc.tuple(fc.constant(a), fc.array(fc.nat(), { maxLength: 6 }))),
          ([random, cuts]) => {
            const bytes = Uint8Array.from(random, (b) => [0x0d, 0x0a, 0x2e, 0x41][b % 4]!);
            const text = wire(chunked(bytes, cuts), true).toString('latin1');
            const body = text.slice(0, text.length - (text.endsWith('\r\n.\r\n') ? 5 : 3));
            expect(body).not.toMatch(/[\r\n]\.(?!\.)/);
            expect(/^\.(?!\.)/.test(body) && body !== '').toBe(false);
          },
        ),
        { numRuns: 2000, seed: 20261129 },
      );
    });
  });
});
