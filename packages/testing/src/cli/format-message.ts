import type { ParsedMail } from 'mailparser';
import type { ReceivedAlternative } from '../smtp-fixture/alternatives.js';

/** What the debug server knows about a message it received. */
export interface DebugMessage {
  peer: string;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** The parts of its multipart/alternative (mailparser lists those other than text and HTML as attachments). */
  alternatives?: readonly ReceivedAlternative[];
}

// What a terminal may act on: C0 but tab and line feed, DEL, C1 (a lone U+009B is a CSI on
// many terminals), the Unicode line and paragraph separators, and the bidi controls that reorder
// what is shown (Trojan Source).
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * Text from the network made safe for a terminal, as `less` shows it: C0 controls and DEL in
 * caret notation (`^[` for ESC, `^M` for CR, `^?` for DEL), the others as `<U+009B>`. Tab and
 * line feed stay. An escape sequence in a subject or body cannot retitle or clear the terminal.
 */
export function showControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return '^?';
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

const START = '---------- MESSAGE FOLLOWS ----------';
const END = '------------ END MESSAGE ------------';

/**
 * A message as Python's smtpd DebuggingServer prints it: the envelope as `X-Peer`,
 * `X-MailFrom` and `X-RcptTo`, the headers as received, then the text body decoded (and a
 * line for the HTML alternative and each attachment, rather than their encoded bytes).
 * Control characters are shown escaped ({@link showControls}), never written to the terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(formatMessage({ peer: '127.0.0.1', mailFrom, rcptTo, raw, parsed }));
 * ```
 */
export function formatMessage(message: DebugMessage): string {
  const text = message.raw.toString('utf8');
  // RFC 5322 §2.1: the header section ends at the first empty line.
  const end = text.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? text : text.slice(0, end)).replace(/\r\n/g, '\n');
  const lines = [
    START,
    `X-Peer: ${message.peer}`,
    `X-MailFrom: ${message.mailFrom}`,
    `X-RcptTo: ${message.rcptTo.join(', ')}`,
    headers,
    '',
    (message.parsed.text ?? '').replace(/\r\n/g, '\n').trimEnd(),
  ];
  if (typeof message.parsed.html === 'string')
    lines.push(`[text/html alternative, ${message.parsed.html.length} characters]`);
  // The other alternatives (a calendar invite): mailparser has them among the attachments.
  const others = (message.alternatives ?? []).filter((a) => a.index > 0 && a.type !== 'text/html');
  for (const alternative of others) {
    lines.push(
      `[${alternative.contentType.replace(/\s+/g, ' ')} alternative, ${alternative.content.length} ${typeof alternative.content === 'string' ? 'characters' : 'bytes'}]`,
    );
  }
  const alternativeParts = new Set(others.map((a) => a.partId));
  for (const attachment of message.parsed.attachments.filter(
    (a) => a.partId === null || !alternativeParts.has(a.partId),
  )) {
    lines.push(
      `[attachment ${attachment.filename ?? '(unnamed)'}, ${attachment.contentType}, ${attachment.size} bytes]`,
    );
  }
  lines.push(END, '');
  // Everything but the lines written here comes from the client: shown, never obeyed.
  return showControls(lines.join('\n'));
}
