import type { SentEmail } from './types.js';

const LIMIT = 10;

/**
 * A brief listing of sent messages for a failure message, one line each:
 * `1. from@x -> to@x, cc: c@x, bcc: b@x | "Subject" | 2 attachments`.
 */
export function describeSent(sent: readonly SentEmail[]): string {
  if (sent.length === 0) return 'No email was sent.';
  const lines = sent.slice(0, LIMIT).map((email, i) => `  ${i + 1}. ${describeOne(email)}`);
  if (sent.length > LIMIT) lines.push(`  … and ${sent.length - LIMIT} more`);
  return `${sent.length} email${sent.length === 1 ? ' was' : 's were'} sent:\n${lines.join('\n')}`;
}

/** One message on one line. */
export function describeOne(email: SentEmail): string {
  const parts = [`${email.from || '(no from)'} -> ${email.to.join(', ') || '(no to)'}`];
  if (email.cc.length) parts[0] += `, cc: ${email.cc.join(', ')}`;
  if (email.bcc.length) parts[0] += `, bcc: ${email.bcc.join(', ')}`;
  parts.push(JSON.stringify(email.subject));
  if (email.attachments.length) {
    parts.push(
      `attachments: ${email.attachments.map((a) => a.filename ?? `(${a.contentType ?? 'unnamed'})`).join(', ')}`,
    );
  }
  if (email.alternatives.length) parts.push(`alternatives: ${email.alternatives.map((a) => a.mimetype).join(', ')}`);
  return parts.join(' | ');
}

/** The fields of a message the criteria name, for vitest's diff. */
export function pick(email: SentEmail, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === 'headers' || key === 'attachments') continue;
    out[key] = email[key as keyof SentEmail];
  }
  if (keys.includes('attachments'))
    out.attachments = email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType }));
  return out;
}
