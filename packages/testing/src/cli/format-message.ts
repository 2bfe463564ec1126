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

const START = '---------- MESSAGE FOLLOWS ----------';
const END = '------------ END MESSAGE ------------';

/**
 * A message as Python's smtpd DebuggingServer prints it: the envelope as `X-Peer`,
 * `X-MailFrom` and `X-RcptTo`, the headers as received, then the text body decoded (and a
 * line for the HTML alternative and each attachment, rather than their encoded bytes).
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
  return lines.join('\n');
}
