// A unit test of the package's source: it needs internals the public entry points do not export
// (so it runs against src/ under MAIL_TEST_DIST=1 too; everything else imports the package).
import { describe, expect, it } from 'vitest';
import { formatAddress, formatAddressList, parseAddress, sanitizeAddress } from '../../src/addresses/parse-address.js';
import { BadHeaderError, InvalidAddressError } from '../../src/errors.js';

describe('parseAddress', () => {
  it('parses a bare address and a named one', () => {
    expect(parseAddress('a@example.com', 'to')).toEqual({ name: '', address: 'a@example.com' });
    expect(parseAddress('Jane Doe <jane@example.com>', 'to')).toEqual({
      name: 'Jane Doe',
      address: 'jane@example.com',
    });
    expect(parseAddress('"Doe, Jane" <jane@example.com>', 'to')).toEqual({
      name: 'Doe, Jane',
      address: 'jane@example.com',
    });
  });

  it('takes [name, address] pairs, as admins are given', () => {
    expect(parseAddress(['Admin Person', 'admin@example.com'], 'admins')).toEqual({
      name: 'Admin Person',
      address: 'admin@example.com',
    });
  });

  it('turns a non-ASCII domain into IDNA A-labels', () => {
    expect(parseAddress('Zoë <zoe@bücher.de>', 'to')).toEqual({ name: 'Zoë', address: 'zoe@xn--bcher-kva.de' });
  });

  it('keeps an address without a domain, as Django does', () => {
    expect(parseAddress('django', 'to')).toEqual({ name: '', address: 'django' });
  });

  it('reads a group where a header override allows one', () => {
    expect(parseAddress('Team: a@x.example, B <b@y.example>;', 'to', true)).toEqual({
      name: 'Team',
      group: [
        { name: '', address: 'a@x.example' },
        { name: 'B', address: 'b@y.example' },
      ],
    });
  });

  it('reads "Name: x <addr>" without a closing ";" as a display name, not a group', () => {
    expect(parseAddress('Support: Team <noreply@example.com>', 'from')).toEqual({
      name: 'Support: Team',
      address: 'noreply@example.com',
    });
    expect(formatAddress('Support: Team <noreply@example.com>', 'from')).toBe('"Support: Team" <noreply@example.com>');
    expect(() => parseAddress('Support: a@x.example, b@y.example', 'to')).toThrow(InvalidAddressError);
  });

  it('refuses a group where one mailbox is required (every list entry, From)', () => {
    expect(() => parseAddress('Team: a@x.example;', 'from')).toThrow(/only one mailbox/);
    expect(() => parseAddress('Team: a@x.example;', 'to')).toThrow(/only one mailbox/);
  });

  it('counts the length limit in octets', () => {
    expect(() => parseAddress(`${'é'.repeat(460)}@example.com`, 'to')).toThrow(/octets/);
    expect(parseAddress(`${'é'.repeat(32)}@example.com`, 'to')).toMatchObject({ name: '' });
    expect(() => parseAddress(`${'é'.repeat(33)}@example.com`, 'to')).toThrow(/64 octets/);
    expect(() => parseAddress(`a@${'b'.repeat(64)}.example`, 'to')).toThrow(/label/);
  });

  it('keeps a quoted local part holding an @ on its own domain', () => {
    const entry = parseAddress('"a@evil.example x"@victim.example', 'to');
    expect(entry).toEqual({ name: '', address: '"a@evil.example x"@victim.example' });
  });

  it.each([
    ['two addresses where one is expected', 'a@x.example, b@y.example'],
    ['an empty local part', '@example.com'],
    ['an empty domain', 'a@'],
    ['a phrase with no address', 'not an address'],
    ['nothing at all', '   '],
  ])('refuses %s with InvalidAddressError', (_label, input) => {
    expect(() => parseAddress(input, 'to')).toThrow(InvalidAddressError);
  });

  it('refuses a second <address> hidden in the display name', () => {
    for (const input of [
      'a, b <evil@attacker.example> <victim@victim.example>',
      '<evil@attacker.example> <victim@victim.example>',
    ]) {
      expect(() => parseAddress(input, 'to')).toThrow(InvalidAddressError);
    }
    expect(parseAddress('"a <evil@attacker.example>" <victim@victim.example>', 'to')).toEqual({
      name: 'a <evil@attacker.example>',
      address: 'victim@victim.example',
    });
    expect(parseAddress('Jane (a <comment>) <jane@example.com>', 'to')).toMatchObject({ address: 'jane@example.com' });
  });

  it('names the field and the address in the error', () => {
    expect(() => parseAddress('a@x.example, b@y.example', 'cc')).toThrow(/in cc.*expected one address, found 2/);
  });

  it('refuses line breaks anywhere with BadHeaderError', () => {
    expect(() => parseAddress('a@example.com\nBcc: x@evil.example', 'to')).toThrow(BadHeaderError);
    expect(() => parseAddress('Evil\r\nBcc: x@y <a@example.com>', 'to')).toThrow(BadHeaderError);
    expect(() => parseAddress(['Evil\u2028', 'a@example.com'], 'to')).toThrow(BadHeaderError);
  });

  it('is a TypeError for a value that is not a string', () => {
    expect(() => parseAddress(42 as unknown as string, 'to')).toThrow(TypeError);
  });
});

describe('formatAddress (sanitize_address)', () => {
  it('encodes a non-ASCII display name and the domain', () => {
    const out = formatAddress('Zoë Ünïcode <zoe@bücher.de>');
    expect(out).toMatch(/^=\?UTF-8\?[QB]\?[^ ]+\?= <zoe@xn--bcher-kva\.de>$/);
  });

  it('quotes a display name that needs it', () => {
    expect(formatAddress(['Doe, Jane', 'jane@example.com'])).toBe('"Doe, Jane" <jane@example.com>');
  });

  it('writes a bare address bare', () => {
    expect(sanitizeAddress('to@example.com')).toBe('to@example.com');
  });

  it('formats lists, dropping empty entries, and groups where a header override allows them', () => {
    expect(formatAddressList(['a@x.example', '', 'b@y.example'], 'to')).toBe('a@x.example, b@y.example');
    expect(formatAddressList(['a@x.example', 'Team: b@y.example;'], 'to', true)).toBe(
      'a@x.example, Team: b@y.example;',
    );
    expect(() => formatAddressList(['Team: b@y.example;'], 'to')).toThrow(/only one mailbox/);
  });

  it('gives the same answer from its cache and keeps errors fresh', () => {
    expect(formatAddress('Jane <jane@example.com>')).toBe(formatAddress('Jane <jane@example.com>'));
    expect(() => formatAddress('@bad', 'to')).toThrow(/in to/);
    expect(() => formatAddress('@bad', 'cc')).toThrow(/in cc/);
  });
});
