import type { SmtpFaults, SmtpStage } from './types.js';

/** What the fixture does at a stage of a session. */
export type FaultAction =
  | { kind: 'accept' }
  | { kind: 'reject'; code: number; message: string; close?: boolean }
  | { kind: 'drop' }
  | { kind: 'drop-after-content' }
  | { kind: 'hang' };

const DEFAULT_TEXT: Record<SmtpStage, string> = {
  greeting: 'Service not available, try again later',
  mail: 'Sender rejected',
  rcpt: 'Recipient rejected',
  data: 'Message rejected',
};

/**
 * Decides, from the scripted {@link SmtpFaults}, what to answer at a stage.
 * `attempt` is the 1-based number of times the stage has been reached since the fixture started.
 */
export function decideFault(
  faults: SmtpFaults,
  stage: SmtpStage,
  attempt: number,
  address?: string,
  sender?: string,
): FaultAction {
  const decided = faults.decide?.(stage, address);
  if (decided === 'drop') return { kind: 'drop' };
  if (decided) return { kind: 'reject', code: decided.code, message: decided.message ?? DEFAULT_TEXT[stage] };
  const single = faults.failAt?.find(
    (f) => f.at === stage && (typeof f.attempt === 'number' ? f.attempt === attempt : f.attempt.includes(attempt)),
  );
  if (single) {
    if (single.drop === 'after-content' && stage === 'data') return { kind: 'drop-after-content' };
    if (single.drop) return { kind: 'drop' };
    const code = single.code ?? 421;
    // After a 421 the server closes the channel (RFC 5321 §3.8): so does the fixture.
    return {
      kind: 'reject',
      code,
      message: single.message ?? `Scripted failure (attempt ${attempt} at ${stage})`,
      close: code === 421,
    };
  }
  if (faults.dropAt === stage) return { kind: 'drop' };
  if (faults.hangAt === stage) return { kind: 'hang' };

  const first = typeof faults.failFirst === 'number' ? { count: faults.failFirst } : faults.failFirst;
  if (first && (first.at ?? 'data') === stage && attempt <= first.count) {
    // RFC 5321 §4.2.1: 4yz is a transient failure, so a client may retry; 421 closes the channel.
    const code = first.code ?? (stage === 'greeting' ? 421 : 451);
    return {
      kind: 'reject',
      code,
      message: first.message ?? `Try again later (attempt ${attempt} of ${first.count} scripted to fail)`,
    };
  }

  if (faults.rejectSender && stage === (faults.rejectSender.at ?? 'mail')) {
    const { address: only, code, message } = faults.rejectSender;
    const from = stage === 'mail' ? address : sender;
    if (only === undefined || sameAddress(only, from)) {
      // Postfix's words when smtpd_delay_reject refuses a sender at RCPT TO.
      const text = stage === 'rcpt' ? `<${from ?? ''}>: Sender address rejected: Access denied` : DEFAULT_TEXT.mail;
      return { kind: 'reject', code, message: message ?? text };
    }
  }
  if (stage === 'rcpt' && faults.rejectRecipients && address !== undefined) {
    const key = Object.keys(faults.rejectRecipients).find((candidate) => sameAddress(candidate, address));
    if (key !== undefined) {
      const reply = faults.rejectRecipients[key];
      return typeof reply === 'number'
        ? { kind: 'reject', code: reply, message: DEFAULT_TEXT.rcpt }
        : { kind: 'reject', code: reply.code, message: reply.message ?? DEFAULT_TEXT.rcpt };
    }
  }
  if (stage === 'data' && faults.failData) {
    return { kind: 'reject', code: faults.failData.code, message: faults.failData.message ?? DEFAULT_TEXT.data };
  }
  return { kind: 'accept' };
}

/** Milliseconds to wait before answering at a stage. */
export function delayFor(faults: SmtpFaults, stage: SmtpStage): number {
  const { delay } = faults;
  if (delay === undefined) return 0;
  return typeof delay === 'number' ? delay : (delay[stage] ?? 0);
}

/** An error smtp-server turns into the reply `code message`. */
export function replyError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function sameAddress(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}
