import type { SmtpFaults, SmtpReply, SmtpStage } from '../smtp-fixture/types.js';

/**
 * One chaos trigger, as Mailpit's `PUT /api/v1/chaos` takes it (`ErrorCode`, `Probability` in
 * percent), plus `Count`: fail the next N times for certain, then turn off.
 */
export interface ChaosTrigger {
  ErrorCode: number;
  Probability: number;
  Count?: number;
}

/**
 * The fault injection of the inbox's SMTP side. `Sender`, `Recipient` and `Authentication` are
 * Mailpit's; `Data` fails the end of DATA, `Drop` cuts the connection at a stage (`Count` times,
 * or always with `Count` 0), `DelayMs` delays every reply.
 */
export interface ChaosTriggers {
  Sender: ChaosTrigger;
  Recipient: ChaosTrigger;
  Authentication: ChaosTrigger;
  Data: ChaosTrigger;
  Drop: { Stage: SmtpStage | ''; Count: number };
  DelayMs: number;
}

const DEFAULT_CODES = { Sender: 451, Recipient: 451, Authentication: 535, Data: 451 } as const;
type TriggerName = keyof typeof DEFAULT_CODES;
const STAGES: readonly string[] = ['greeting', 'mail', 'rcpt', 'data'];

/** A triggers object that fails nothing. */
export function noChaos(): ChaosTriggers {
  const off = (name: TriggerName): ChaosTrigger => ({ ErrorCode: DEFAULT_CODES[name], Probability: 0, Count: 0 });
  return {
    Sender: off('Sender'),
    Recipient: off('Recipient'),
    Authentication: off('Authentication'),
    Data: off('Data'),
    Drop: { Stage: '', Count: 0 },
    DelayMs: 0,
  };
}

/**
 * Check a `PUT /api/v1/chaos` body and return the triggers it sets; as in Mailpit, what it
 * leaves out is reset. Throws a message that says what is wrong.
 */
export function parseChaos(body: unknown): ChaosTriggers {
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) throw new Error('the chaos body must be a JSON object');
  const out = noChaos();
  for (const name of Object.keys(DEFAULT_CODES) as TriggerName[]) {
    const given = input[name] as Partial<ChaosTrigger> | undefined;
    if (given === undefined || given === null) continue;
    const code = given.ErrorCode || DEFAULT_CODES[name];
    const probability = given.Probability ?? 0;
    const count = given.Count ?? 0;
    if (!Number.isInteger(code) || code < 400 || code > 599)
      throw new Error(`${name}.ErrorCode must be between 400 and 599`);
    if (!Number.isInteger(probability) || probability < 0 || probability > 100)
      throw new Error(`${name}.Probability must be between 0 and 100`);
    if (!Number.isInteger(count) || count < 0) throw new Error(`${name}.Count must be a whole number, 0 or more`);
    out[name] = { ErrorCode: code, Probability: probability, Count: count };
  }
  const drop = input.Drop as Partial<ChaosTriggers['Drop']> | undefined;
  if (drop) {
    const stage = drop.Stage ?? '';
    if (stage !== '' && !STAGES.includes(stage))
      throw new Error(`Drop.Stage must be one of ${STAGES.join(', ')} (or '' for none)`);
    if (!Number.isInteger(drop.Count ?? 0) || (drop.Count ?? 0) < 0)
      throw new Error('Drop.Count must be a whole number, 0 or more');
    out.Drop = { Stage: stage as SmtpStage | '', Count: drop.Count ?? 0 };
  }
  const delay = input.DelayMs ?? 0;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 600_000)
    throw new Error('DelayMs must be a whole number of milliseconds from 0 to 600000');
  out.DelayMs = delay;
  return out;
}

/** Whether a trigger fires now; a counted trigger uses one of its counts. */
function fires(trigger: ChaosTrigger): boolean {
  if ((trigger.Count ?? 0) > 0) {
    trigger.Count = (trigger.Count ?? 0) - 1;
    if (trigger.Count === 0) trigger.Probability = 0;
    return true;
  }
  return trigger.Probability > 0 && Math.random() * 100 < trigger.Probability;
}

/** The running chaos of one inbox; `faults` is given to its SMTP fixture. */
export class Chaos {
  triggers: ChaosTriggers = noChaos();
  readonly faults: SmtpFaults = { decide: (stage, address) => this.#decide(stage, address) };

  set(triggers: ChaosTriggers): void {
    this.triggers = triggers;
    this.faults.delay = triggers.DelayMs;
  }

  /** Whether AUTH should be refused now, and with which code. */
  authentication(): SmtpReply | undefined {
    const trigger = this.triggers.Authentication;
    return fires(trigger) ? { code: trigger.ErrorCode, message: 'Authentication failed (chaos)' } : undefined;
  }

  #decide(stage: SmtpStage, _address?: string): SmtpReply | 'drop' | undefined {
    const { Drop } = this.triggers;
    if (Drop.Stage === stage) {
      if (Drop.Count > 0 && --Drop.Count === 0) Drop.Stage = '';
      return 'drop';
    }
    const name = ({ mail: 'Sender', rcpt: 'Recipient', data: 'Data' } as const)[stage as 'mail'];
    if (!name) return undefined;
    const trigger = this.triggers[name];
    if (!fires(trigger)) return undefined;
    return { code: trigger.ErrorCode, message: `${name} rejected (chaos)` };
  }
}
