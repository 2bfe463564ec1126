import type { MimeMessage } from '@mail/core';
import { type ParsedMail, simpleParser } from 'mailparser';
import { expect } from 'vitest';

/**
 * Check the wire rules on raw message bytes: CRLF line endings only (no bare CR or LF),
 * no line over 998 octets (RFC 5322 §2.1.1), every encoded word at most 75 characters
 * (RFC 2047 §2), header lines US-ASCII unless `allowUtf8Headers`.
 */
export function expectWireRules(raw: Buffer, { allowUtf8Headers = false } = {}): void {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x0a) expect(raw[i - 1], `bare LF at offset ${i}`).toBe(0x0d);
    if (raw[i] === 0x0d) expect(raw[i + 1], `bare CR at offset ${i}`).toBe(0x0a);
  }
  const text = raw.toString('latin1');
  const lines = text.split('\r\n');
  for (const line of lines) expect(line.length, `line over 998 octets: ${line.slice(0, 60)}…`).toBeLessThanOrEqual(998);
  const headerEnd = text.indexOf('\r\n\r\n');
  expect(headerEnd, 'a blank line ends the headers').toBeGreaterThan(0);
  const head = text.slice(0, headerEnd);
  for (const word of head.match(/=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=/g) ?? []) {
    expect(word.length, `encoded word over 75 characters: ${word}`).toBeLessThanOrEqual(75);
  }
  if (!allowUtf8Headers) expect(/[^\x00-\x7f]/.test(head), 'non-ASCII octet in the headers').toBe(false);
  // Header lines: a field (name: value) or a continuation starting with whitespace.
  for (const line of head.split('\r\n')) expect(line, 'header line').toMatch(/^([\x21-\x39\x3b-\x7e]+:|[ \t])/);
}

/** Build bytes, check the wire rules, parse with mailparser. */
export async function built(
  mime: MimeMessage,
  options: { allowUtf8Headers?: boolean } = {},
): Promise<{ raw: Buffer; text: string; parsed: ParsedMail }> {
  const raw = await mime.asBytes();
  expectWireRules(raw, options);
  return { raw, text: raw.toString('utf8'), parsed: await simpleParser(raw) };
}

/** The unfolded value of the first header `name` in raw bytes (RFC 5322 §2.2.3). */
export function rawHeader(raw: Buffer | string, name: string): string | undefined {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const head = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]/g, ' ');
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}: ?(.*)$`, 'im');
  return re.exec(head)?.[1];
}

/** All header names of the top level, in order. */
export function headerNames(raw: Buffer | string): string[] {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')));
}
