import fc from 'fast-check';

/**
 * Generators of hostile header input: safe text interleaved with line breaks, controls and
 * ready-made injection payloads. Every payload that could add a header names `X-Injected` or
 * `Bcc` and the address `evil@attacker.example`, so a smuggled line is easy to spot anywhere.
 */

/** Characters that end a line for some reader: refused with BadHeaderError everywhere. */
export const LINE_BREAKS = ['\r', '\n', '\r\n', '\u2028', '\u2029', '\u0085'] as const;
export const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

/** Other C0 controls and DEL: never raw in a header (refused or encoded). TAB is whitespace. */
export const OTHER_CONTROLS = [
  '\0',
  '\x01',
  '\x07',
  '\x08',
  '\x0b',
  '\x0c',
  '\x1b',
  '\x1c',
  '\x1d',
  '\x1e',
  '\x1f',
  '\x7f',
] as const;
export const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Payloads an attacker types into a form field. */
export const PAYLOADS = [
  '\r\nBcc: evil@attacker.example',
  '\nBcc: evil@attacker.example',
  '\rBcc: evil@attacker.example',
  '\r\nX-Injected: yes',
  '\nX-Injected: yes',
  '\r\n\r\nX-Injected: body takeover',
  '\u2028X-Injected: yes',
  '\u2029Bcc: evil@attacker.example',
  '\u0085X-Injected: yes',
  '\r\n X-Injected: folded',
  '\0X-Injected: yes',
  '\r\n.\r\nMAIL FROM:<evil@attacker.example>',
] as const;

/**
 * Tricky but legal text: must be accepted and come back as typed. Fake headers without a line
 * break, C1 controls other than NEL (encoded, not refused), zero-width and no-break spaces, and
 * long runs that force folding or encoded words near the 998-octet limit.
 */
export const TRICKY = [
  '\t',
  ' Bcc: evil@attacker.example',
  'X-Injected: yes',
  '\u0080',
  '\u009f',
  '\u00a0',
  '\u200b',
  '\ufeff',
  // Address syntax in text (a group, an address in a comment) and a boundary-shaped line:
  // plain text in a subject, a value or a display name given as data.
  'team: a@x.example, evil@attacker.example;',
  '(evil@attacker.example)',
  '--=_00112233445566778899aabbccddeeff',
  'x'.repeat(1200),
  'é'.repeat(500),
  'a '.repeat(600),
] as const;

const injection = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<string>(...LINE_BREAKS, ...OTHER_CONTROLS, ...PAYLOADS) },
  { weight: 2, arbitrary: fc.constantFrom<string>(...TRICKY) },
);

/**
 * Hostile text: 1–6 fragments, each safe (drawn from `safe`) or hostile (a control, a line
 * break, a payload). At least one fragment is hostile, so every case attacks.
 */
export function hostile(safe: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.oneof(safe, injection), { minLength: 0, maxLength: 5 }), injection, fc.nat())
    .map(([parts, attack, at]) => {
      const all = [...parts];
      all.splice(at % (all.length + 1), 0, attack);
      return all.join('');
    });
}

/** Unicode words and ASCII punctuation that are harmless in unstructured text (subject, header values). */
export const safeText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
  fc.constantFrom('Bcc: x@y.example', ': ', ' ', 'Subject: fake', '=?', '?=', 'héllo', '日本語', '🙂'),
);

/** Display-name text without the address specials, so the intended name is unambiguous. */
export const safeNameText: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9 .'_-]{1,8}$/),
  fc.constantFrom('Zoë', 'Jürgen', '山田', 'Ω'),
);

/** Atoms for a local part or a domain label: letters and digits. */
export const safeAtom: fc.Arbitrary<string> = fc.stringMatching(/^[a-z0-9]{1,8}$/);

/** Printable ASCII header-name text (RFC 5322 §3.6.8 ftext), no colon. */
export const safeHeaderName: fc.Arbitrary<string> = fc.stringMatching(/^[!-9;-~]{1,10}$/);

/** Hostile header names: ftext mixed with spaces, colons, line breaks, controls, non-ASCII and payloads. */
export const hostileHeaderName: fc.Arbitrary<string> = fc
  .tuple(
    safeHeaderName,
    fc.constantFrom<string>(
      ' ',
      ':',
      '\t',
      'é',
      '\u00a0',
      ...LINE_BREAKS,
      ...OTHER_CONTROLS,
      ...PAYLOADS,
      ': x\r\nX-Injected',
    ),
    fc.option(safeHeaderName, { nil: '' }),
  )
  .map(([a, bad, b]) => `X-${a}${bad}${b}`);
