import type { ReceivedMessage } from './types.js';

/** A short listing of received messages for error messages: `\n  1. from → to: "subject"`. */
export function describeMessages(messages: readonly ReceivedMessage[]): string {
  if (messages.length === 0) return ' (no message arrived).';
  const lines = messages.map(
    (m, i) =>
      `  ${i + 1}. ${m.envelope.mailFrom} -> ${m.envelope.rcptTo.join(', ')}: ${JSON.stringify(m.parsed.subject ?? '')}`,
  );
  return `:\n${lines.join('\n')}`;
}
