// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { describe, expect, it } from 'vitest';
import { encodeDisplayName, encodeUnstructured, foldHeader } from '../../src/headers/encode-header.js';

describe('header encoding', () => {
  it('leaves printable ASCII alone', () => {
    expect(encodeUnstructured('Hello "world" (tm)')).toBe('Hello "world" (tm)');
  });

  it('encodes only the words that need it, in words of at most 75 characters', () => {
    const out = encodeUnstructured('Réunion n°5 — ordre du jour');
    expect(out).toMatch(/^=\?UTF-8\?[QB]\?.*\?= ordre du jour$/);
    for (const word of out.match(/=\?[^ ]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
  });

  it('encodes text that looks like an encoded word, valid or not, so it reads back as typed', () => {
    for (const typed of ['=?utf-8?x?bad?= hi', '=?utf-8?q?=0D=0AX-Injected:_yes?= there']) {
      const out = encodeUnstructured(typed);
      expect(out).toMatch(/^=\?UTF-8\?Q\?=3D=3F/);
      expect(out).not.toContain(typed);
    }
  });

  it('splits a very long run without spaces into encoded words that can be folded', () => {
    const folded = foldHeader('Subject', encodeUnstructured('x'.repeat(3000)));
    for (const line of folded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('folds at whitespace before 78 characters', () => {
    const folded = foldHeader('Subject', 'word '.repeat(40).trim());
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(folded.replace(/\r\n/g, '')).toBe(`Subject: ${'word '.repeat(40).trim()}`);
  });

  it('quotes display names with specials and encodes non-ASCII ones', () => {
    expect(encodeDisplayName('Jane Doe')).toBe('Jane Doe');
    expect(encodeDisplayName('Doe, Jane')).toBe('"Doe, Jane"');
    expect(encodeDisplayName('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(encodeDisplayName('Zoë')).toMatch(/^=\?UTF-8\?[QB]\?.+\?=$/);
  });
});
