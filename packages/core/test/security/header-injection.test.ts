/**
 * Header injection. Every header field a user can fill — subject, from, to, cc, bcc,
 * reply-to, extra header names and values, display names, local parts, domains, attachment
 * filenames — gets CR, LF, CRLF, U+2028, U+2029, U+0085, NUL, other controls and ready-made
 * payloads. Each case either throws BadHeaderError (line breaks: always; other controls: a
 * MailError refusing it) or builds a message whose header block is exactly the intended one.
 *
 * Every accepted case is checked with our own strict header splitter (fast); every
 * MAILPARSER_EVERY-th accepted case is also parsed by mailparser, which checks the decoded values.
 */
import {
  BadHeaderError,
  EmailMessage,
  EmailMultiAlternatives,
  envelopeOf,
  InvalidAddressError,
  MailError,
} from '@mail/core';
import fc from 'fast-check';
import { MailParser, simpleParser } from 'mailparser';
import { toASCII } from 'nodemailer/lib/punycode';
import { describe, expect, it } from 'vitest';
import { fcParams, runs, totalRuns } from './support/fc-params.js';
import {
  hostile,
  hostileHeaderName,
  LINE_BREAK,
  LINE_BREAKS,
  OTHER_CONTROL,
  OTHER_CONTROLS,
  PAYLOADS,
  safeAtom,
  safeNameText,
  safeText,
} from './support/hostile-strings.js';
import { headerNames, lineProblems, RAW_HEADER_CONTROL, splitHeaderBlock } from './support/raw-message.js';

const MAILPARSER_EVERY = 2;

/** How the generated cases ended, so the run proves it exercised both branches. */
const outcomes = { refused: 0, built: 0, parsed: 0 };

type AddressField = 'fromEmail' | 'to' | 'cc' | 'bcc' | 'replyTo';
type AddressPart = 'name' | 'local' | 'domain';
type Target =
  | { kind: 'subject'; value: string }
  | { kind: 'headerValue'; value: string }
  | { kind: 'headerName'; value: string }
  | { kind: 'filename'; value: string }
  | { kind: 'address'; field: AddressField; part: AddressPart; value: string };

interface Mailbox {
  name: string;
  local: string;
  domain: string;
}

/** The message every case starts from; one field is then replaced by the attack. */
function baseSpec() {
  const box = (name: string, local: string, domain: string): Mailbox => ({ name, local, domain });
  return {
    subject: 'Quarterly report',
    headerName: 'X-Tag',
    headerValue: 'tag value',
    filename: 'report.txt',
    fromEmail: box('Sender Name', 'sender', 'example.com'),
    to: [box('To Name', 'to', 'example.com'), box('', 'to2', 'example.com')],
    cc: [box('Cc Name', 'cc', 'example.org')],
    bcc: [box('Hidden Name', 'hidden', 'bcc.example')],
    replyTo: [box('Reply Name', 'reply', 'example.net')],
  };
}
type Spec = ReturnType<typeof baseSpec>;

function apply(spec: Spec, target: Target): Spec {
  switch (target.kind) {
    case 'subject':
      return { ...spec, subject: target.value };
    case 'headerValue':
      return { ...spec, headerValue: target.value };
    case 'headerName':
      return { ...spec, headerName: target.value };
    case 'filename':
      return { ...spec, filename: target.value };
    case 'address': {
      const edit = (m: Mailbox): Mailbox => ({ ...m, [target.part]: target.value });
      if (target.field === 'fromEmail') return { ...spec, fromEmail: edit(spec.fromEmail) };
      const list = spec[target.field];
      return { ...spec, [target.field]: [edit(list[0]!), ...list.slice(1)] };
    }
  }
}

const addressOf = (m: Mailbox) => `${m.local}@${m.domain}`;
// Display names go in as [name, address] pairs (Django's tuples): the name is then data, never
// parsed, so the intended header is unambiguous whatever the name holds.
const entry = (m: Mailbox): string | [string, string] => (m.name ? [m.name, addressOf(m)] : addressOf(m));

function build(spec: Spec) {
  return new EmailMessage({
    subject: spec.subject,
    body: 'Body text',
    // fromEmail is a string; the name is quoted as RFC 5322 §3.2.4 says, so it stays a name.
    // (Unquoted names with specials are suite 4's business: see the group-in-From test below.)
    fromEmail: spec.fromEmail.name
      ? `"${spec.fromEmail.name.replace(/["\\]/g, '\\$&')}" <${addressOf(spec.fromEmail)}>`
      : addressOf(spec.fromEmail),
    to: spec.to.map(entry) as string[],
    cc: spec.cc.map(entry) as string[],
    bcc: spec.bcc.map(entry) as string[],
    replyTo: spec.replyTo.map(entry) as string[],
    headers: { [spec.headerName]: spec.headerValue },
    attachments: [[spec.filename, 'attachment body', 'text/plain']],
  });
}

const targetArb: fc.Arbitrary<Target> = fc.oneof(
  hostile(safeText).map((value) => ({ kind: 'subject' as const, value })),
  hostile(safeText).map((value) => ({ kind: 'headerValue' as const, value })),
  hostileHeaderName.map((value) => ({ kind: 'headerName' as const, value })),
  hostile(safeText).map((value) => ({ kind: 'filename' as const, value })),
  fc.record({
    kind: fc.constant('address' as const),
    field: fc.constantFrom<AddressField>('fromEmail', 'to', 'cc', 'bcc', 'replyTo'),
    part: fc.constant<AddressPart>('name'),
    value: hostile(safeNameText),
  }),
  fc.record({
    kind: fc.constant('address' as const),
    field: fc.constantFrom<AddressField>('fromEmail', 'to', 'cc', 'bcc', 'replyTo'),
    part: fc.constantFrom<AddressPart>('local', 'domain'),
    value: hostile(safeAtom).map((v) => `a${v}z`),
  }),
);

/** Names of the top-level header block of the message built from the untouched base spec. */
let baseHeaderNames: string[] | undefined;
async function expectedHeaderNames(target: Target): Promise<string[]> {
  baseHeaderNames ??= headerNames(splitHeaderBlock(await build(baseSpec()).message().asBytes()).headers);
  if (target.kind !== 'headerName') return baseHeaderNames;
  const names = baseHeaderNames.filter((n) => n !== 'x-tag');
  return [...names, target.value.toLowerCase()].sort();
}

/** Header addresses as mailparser reads them, domains back to A-labels (mailparser shows U-labels). */
const addresses = (v: unknown) =>
  ((v as { value: { address: string; group?: { address: string }[] }[] }).value ?? [])
    .flatMap((a) => (a.group ? a.group.map((g) => g.address) : [a.address]))
    .map((a) =>
      a.includes('@') ? `${a.slice(0, a.lastIndexOf('@'))}@${toASCII(a.slice(a.lastIndexOf('@') + 1))}` : a,
    );

const libmime = (new MailParser() as unknown as { libmime: { decodeWords(s: string): string } }).libmime;
const decodeWords = (s: string) => libmime.decodeWords(s);

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The checks every message that was NOT refused must pass. */
async function checkBuilt(spec: Spec, target: Target, message: EmailMessage, withMailparser: boolean): Promise<void> {
  const raw = await message.message().asBytes();
  expect(lineProblems(raw), 'raw lines: bare CR/LF or longer than 998 octets').toEqual([]);
  const { headers, headerText } = splitHeaderBlock(raw);
  // Zero injected headers: the header set is exactly the base one (the attacked name swapped in).
  expect(headerNames(headers)).toEqual(await expectedHeaderNames(target));
  expect(headerText).not.toMatch(RAW_HEADER_CONTROL);
  // Nothing anywhere in the message starts a line that an injection would have made.
  expect(raw.toString('latin1')).not.toMatch(/^(?:X-Injected|Bcc)\s*:/im);
  expect(raw.toString('latin1')).not.toMatch(/^MAIL FROM/im);
  // Bcc is never written.
  expect(headerText).not.toContain('bcc.example');

  // The SMTP envelope never carries a line break or control (RCPT TO injection) and holds the
  // intended recipients.
  const envelope = envelopeOf(message);
  for (const address of [envelope.from, ...envelope.to])
    expect(address).not.toMatch(/[\x00-\x1f\x7f\u0085\u2028\u2029]/);
  expect(envelope.to).toHaveLength(spec.to.length + spec.cc.length + spec.bcc.length);
  // An address typed with whitespace, specials or a non-ASCII domain is ambiguous or rewritten
  // (IDNA); then what matters is that the headers and the envelope agree (checked below).
  const ambiguous =
    target.kind === 'address' &&
    target.part !== 'name' &&
    !/^[\x21-\x7e]*$/.test(target.value.replace(/[:;,<>()"@\\[\]]/g, ' '));
  if (!ambiguous) {
    // Without whitespace or specials in an address, the envelope is exactly the addresses given
    // (with them, the input is ambiguous; what matters then is that headers and envelope agree).
    expect(envelope.from).toBe(addressOf(spec.fromEmail));
    expect(envelope.to).toEqual([...spec.to, ...spec.cc, ...spec.bcc].map(addressOf));
  }

  outcomes.built++;
  if (!withMailparser) return;
  outcomes.parsed++;
  const parsed = await simpleParser(raw);
  expect(parsed.headerLines.map((h) => h.key).sort(), 'mailparser header set').toEqual(
    await expectedHeaderNames(target),
  );
  expect(norm(parsed.subject ?? '')).toBe(norm(spec.subject));
  // mailparser leaves unknown headers undecoded; its own RFC 2047 decoder reads them here.
  const extra = String(parsed.headers.get(spec.headerName.toLowerCase()) ?? '');
  expect(norm(decodeWords(extra))).toBe(norm(spec.headerValue));
  expect(parsed.attachments.map((a) => a.filename)).toEqual([spec.filename]);
  if (ambiguous) {
    expect(addresses(parsed.from)).toEqual([envelope.from]);
    expect([...addresses(parsed.to), ...addresses(parsed.cc)]).toEqual(
      envelope.to.slice(0, spec.to.length + spec.cc.length),
    );
    return;
  }
  const names = (v: unknown) => ((v as { value: { name: string }[] }).value ?? []).map((a) => norm(a.name));
  expect(names(parsed.from)).toEqual([norm(spec.fromEmail.name)]);
  expect(names(parsed.to)).toEqual(spec.to.map((m) => norm(m.name)));
  expect(names(parsed.cc)).toEqual(spec.cc.map((m) => norm(m.name)));
  expect(names(parsed.replyTo)).toEqual(spec.replyTo.map((m) => norm(m.name)));
  expect(parsed.bcc).toBeUndefined();
  // What the headers say is what the envelope does (Bcc aside).
  expect(addresses(parsed.from)).toEqual([envelope.from]);
  expect([...addresses(parsed.to), ...addresses(parsed.cc)]).toEqual(
    envelope.to.slice(0, spec.to.length + spec.cc.length),
  );
}

/** The header-like text of the attack: what the guard must judge. */
function attackedText(target: Target): string {
  return target.value;
}

async function runCase(target: Target): Promise<void> {
  const spec = apply(baseSpec(), target);
  const text = attackedText(target);
  let message: EmailMessage;
  try {
    message = build(spec);
    message.message();
  } catch (error) {
    outcomes.refused++;
    if (LINE_BREAK.test(text)) {
      // API.md: a line break anywhere in a header name or value is BadHeaderError, nothing else.
      expect(error, `line break in ${JSON.stringify(target)} must be a BadHeaderError`).toBeInstanceOf(BadHeaderError);
      return;
    }
    if (target.kind === 'headerName') {
      // Any name outside printable ASCII without ':' is refused with BadHeaderError.
      expect(/^[!-9;-~]+$/.test(text)).toBe(false);
      expect(error).toBeInstanceOf(BadHeaderError);
      return;
    }
    if (OTHER_CONTROL.test(text)) {
      // Other controls may be refused; the refusal must be one of ours, not a crash.
      expect(error).toBeInstanceOf(target.kind === 'address' ? MailError : BadHeaderError);
      return;
    }
    // A local part or domain with spaces, specials, or too long is malformed: InvalidAddressError.
    if (target.kind === 'address' && target.part !== 'name') {
      expect(error).toBeInstanceOf(InvalidAddressError);
      return;
    }
    throw new Error(`refused an input with no line break or control: ${JSON.stringify(target)}: ${String(error)}`);
  }
  // Built: then the input had no line break (that would have been a hole)…
  expect(LINE_BREAK.test(text), `accepted a line break: ${JSON.stringify(target)}`).toBe(false);
  // …and the message is exactly the intended one.
  await checkBuilt(spec, target, message, outcomes.built % MAILPARSER_EVERY === 0);
}

describe('header injection: generated attacks on every header field', () => {
  it(`refuses or neutralises ${totalRuns} generated attacks`, async () => {
    await fc.assert(
      fc.asyncProperty(targetArb, async (target) => {
        await runCase(target);
      }),
      fcParams(totalRuns),
    );
    console.info(`header injection: ${JSON.stringify(outcomes)} of ${totalRuns} generated cases`);
    // Both branches were exercised: refusals, and accepted messages checked (some with mailparser).
    expect(outcomes.refused).toBeGreaterThan(totalRuns / 4);
    expect(outcomes.built).toBeGreaterThan(totalRuns / 10);
    expect(outcomes.parsed).toBeGreaterThan(totalRuns / 100);
  }, 120_000);
});

describe('header injection: every line break in every field', () => {
  const fields: Array<[string, (attack: string) => Target]> = [
    ['subject', (v) => ({ kind: 'subject', value: `Hi${v}` })],
    ['extra header value', (v) => ({ kind: 'headerValue', value: `v${v}` })],
    ['extra header name', (v) => ({ kind: 'headerName', value: `X-A${v}` })],
    ['attachment filename', (v) => ({ kind: 'filename', value: `a${v}.txt` })],
  ];
  for (const field of ['fromEmail', 'to', 'cc', 'bcc', 'replyTo'] as const) {
    for (const part of ['name', 'local', 'domain'] as const) {
      fields.push([`${field} ${part}`, (v) => ({ kind: 'address', field, part, value: `a${v}b` })]);
    }
  }
  const attacks = [...LINE_BREAKS, ...PAYLOADS.filter((p) => LINE_BREAK.test(p))];
  for (const [label, make] of fields) {
    it(`${label}: each of ${attacks.length} line-break attacks is a BadHeaderError`, () => {
      for (const attack of attacks) {
        const spec = apply(baseSpec(), make(attack));
        expect(() => build(spec).message(), `${label} with ${JSON.stringify(attack)}`).toThrow(BadHeaderError);
      }
    });
    it(`${label}: other controls are refused or never reach a header raw`, async () => {
      for (const control of OTHER_CONTROLS) {
        const target = make(control);
        let message: EmailMessage;
        try {
          message = build(apply(baseSpec(), target));
          message.message();
        } catch (error) {
          expect(error, `${label} with ${JSON.stringify(control)}`).toBeInstanceOf(MailError);
          continue;
        }
        const { headerText } = splitHeaderBlock(await message.message().asBytes());
        expect(headerText, `${label} with ${JSON.stringify(control)}`).not.toMatch(RAW_HEADER_CONTROL);
      }
    });
  }

  it('header names outside printable ASCII, with a space or a colon, are BadHeaderError', () => {
    for (const name of ['X A', 'X:A', 'X\tA', 'Xé', 'X\u00a0A', '', ':', 'X\x7f', 'X\0']) {
      expect(() => build({ ...baseSpec(), headerName: name }).message(), JSON.stringify(name)).toThrow(BadHeaderError);
    }
  });
});

describe('header injection: the guards hold on every path into a header', () => {
  it('a header changed after construction is still checked when the message is built', () => {
    const message = build(baseSpec());
    message.subject = 'Hello\r\nBcc: evil@attacker.example';
    expect(() => message.message()).toThrow(BadHeaderError);
    const other = build(baseSpec());
    other.to = ['victim@example.com\r\nBcc: evil@attacker.example'];
    expect(() => other.message()).toThrow(BadHeaderError);
  });

  it('a Bcc key in headers is an error and Bcc addresses are never written', async () => {
    expect(() =>
      new EmailMessage({ to: ['a@example.com'], headers: { Bcc: 'evil@attacker.example' } }).message(),
    ).toThrow(MailError);
    expect(() =>
      new EmailMessage({ to: ['a@example.com'], headers: { bCC: 'evil@attacker.example' } }).message(),
    ).toThrow(MailError);
    const raw = await new EmailMessage({ to: ['a@example.com'], bcc: ['secret@hidden.example'] }).message().asString();
    expect(raw).not.toContain('secret@hidden.example');
  });

  it('header overrides of To / From / Reply-To / Cc are checked like the fields', () => {
    for (const name of ['To', 'From', 'Reply-To', 'Cc', 'Subject', 'Message-ID', 'Date']) {
      const message = new EmailMessage({
        to: ['a@example.com'],
        headers: { [name]: 'x@example.com\r\nBcc: evil@attacker.example' },
      });
      expect(() => message.message(), name).toThrow(BadHeaderError);
    }
  });

  it('attachments given as MimePart objects and attached messages are checked too', () => {
    const withPart = new EmailMessage({ to: ['a@example.com'] });
    expect(() => {
      withPart.attach({ contentType: 'text/plain', content: 'x', filename: 'a.txt\r\nX-Injected: yes' });
      withPart.message();
    }).toThrow(BadHeaderError);
    const withHeaders = new EmailMessage({ to: ['a@example.com'] });
    expect(() => {
      withHeaders.attach({ contentType: 'text/plain', content: 'x', headers: { 'X-Part': 'v\r\nX-Injected: yes' } });
      withHeaders.message();
    }).toThrow(BadHeaderError);
    const withType = new EmailMessage({ to: ['a@example.com'] });
    expect(() => {
      withType.attach({ contentType: 'text/plain\r\nX-Injected: yes', content: 'x' });
      withType.message();
    }).toThrow(MailError);
    const inner = new EmailMessage({ subject: 'inner\r\nX-Injected: yes', to: ['b@example.com'] });
    const outer = new EmailMessage({ to: ['a@example.com'], attachments: [inner] });
    expect(() => outer.message()).toThrow(BadHeaderError);
  });

  it('a long non-ASCII local part never makes a header line over 998 octets', async () => {
    // RFC 5322 §2.1.1: 998 octets, not characters. 'é' is 2 octets in UTF-8 (RFC 6532 headers).
    for (const n of [450, 500, 800]) {
      const address = `${'é'.repeat(n)}@example.com`;
      let raw: Buffer;
      try {
        raw = await new EmailMessage({ fromEmail: address, to: [address], subject: 's' }).message().asBytes();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidAddressError); // refusing it is fine too
        continue;
      }
      expect(lineProblems(raw), `${n} × 'é' local part`).toEqual([]);
    }
  });

  it('a fromEmail display name with ":" stays a display name, not an RFC 5322 group', async () => {
    // RFC 5322 §3.6.2: From is a mailbox-list; a group there is invalid, and clients then show
    // the group name alone. `${userName} <noreply@…>` with userName 'Support: Team' must not
    // turn the sender into a group called "Support".
    const message = new EmailMessage({
      fromEmail: 'Support: Team <noreply@example.com>',
      to: ['a@example.com'],
      subject: 's',
    });
    let raw: Buffer;
    try {
      raw = await message.message().asBytes();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidAddressError); // refusing it is fine too
      return;
    }
    const parsed = await simpleParser(raw);
    const from = parsed.from!.value;
    expect(from).toHaveLength(1);
    expect(from[0]!.group, 'From must not be a group').toBeUndefined();
    expect(from[0]!.address).toBe('noreply@example.com');
  });

  it('an encoded-word look-alike in a subject reads back as the text the user typed', async () => {
    // RFC 2047 §6.2: a reader decodes `=?…?=` tokens, so a builder that passes one through raw
    // lets user text decode to something else (here a CRLF and a fake header, in the decoded value).
    const subject = 'Hi =?utf-8?q?=0D=0AX-Injected:_yes?= there';
    const raw = await new EmailMessage({ subject, to: ['a@example.com'] }).message().asBytes();
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
  });
});

// Header injection through mimetype parameters (`text/calendar; method=REQUEST`): hostile text
// as a quoted or a bare parameter value, in an alternative, an attachment and a MimePart. A
// line break is always a BadHeaderError, another control a BadHeaderError too; anything else is
// either a TypeError (malformed) or a message whose headers are exactly the intended ones and
// whose parameter comes back as typed (mailparser).

type Where = 'alternative' | 'attachment' | 'part';

function message(mimetype: string, where: Where): EmailMultiAlternatives {
  const m = new EmailMultiAlternatives({
    subject: 's',
    body: 'b',
    fromEmail: 'from@example.com',
    to: ['to@example.com'],
  });
  if (where === 'alternative') m.attachAlternative('BEGIN:VCALENDAR', mimetype);
  else if (where === 'attachment') m.attach('invite.ics', 'BEGIN:VCALENDAR', mimetype);
  else m.attach({ contentType: mimetype, content: Buffer.from('BEGIN:VCALENDAR'), filename: 'invite.ics' });
  return m;
}

/** The header blocks of the message and of each part, in order (bodies dropped). */
function headerBlocks(raw: string): string[] {
  return raw.split(/\r\n--[^\r\n]*\r\n/).map((block) => block.slice(0, block.indexOf('\r\n\r\n')));
}

/** The header names of those blocks, lowercased, in order. */
function allHeaderNames(blocks: string[]): string[] {
  return blocks.flatMap((block) =>
    block
      .split('\r\n')
      .filter((line) => line && !/^[ \t]/.test(line))
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase()),
  );
}

describe('mimetype parameters: header injection', () => {
  const alternative = [
    'content-type',
    'mime-version',
    'subject',
    'from',
    'to',
    'date',
    'message-id',
    'content-type',
    'content-transfer-encoding',
    'content-type',
    'content-transfer-encoding',
  ];
  const expected = { alternative, attachment: [...alternative, 'content-disposition'] };
  const outcomes = { refused: 0, malformed: 0, built: 0 };

  it('refuses or writes exactly the intended headers, the value intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile(safeText),
        fc.boolean(),
        fc.constantFrom<Where>('alternative', 'attachment', 'part'),
        async (value, quoted, where) => {
          const mimetype = quoted
            ? `text/calendar; method=REQUEST; x-v="${value.replace(/[\\"]/g, '\\$&')}"`
            : `text/calendar; x-v=${value}`;
          const m = message(mimetype, where);
          let built: ReturnType<typeof m.message>;
          try {
            built = m.message();
          } catch (error) {
            if (LINE_BREAK.test(value) || OTHER_CONTROL.test(value)) {
              expect(error).toBeInstanceOf(BadHeaderError);
              outcomes.refused++;
            } else {
              expect(error).toBeInstanceOf(TypeError);
              expect(quoted, `a quoted value ${JSON.stringify(value)} was refused: ${(error as Error).message}`).toBe(
                false,
              );
              outcomes.malformed++;
            }
            return;
          }
          expect(LINE_BREAK.test(value) || OTHER_CONTROL.test(value), 'a line break or control was accepted').toBe(
            false,
          );
          const raw = await built.asBytes();
          expect(lineProblems(raw)).toEqual([]);
          const blocks = headerBlocks(raw.toString('latin1'));
          for (const block of blocks) expect(/[^\x00-\x7f]/.test(block), 'non-ASCII in a header').toBe(false);
          expect(allHeaderNames(blocks)).toEqual(expected[where === 'alternative' ? 'alternative' : 'attachment']);
          const parsed = await simpleParser(raw);
          const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
          const params = (part?.headers.get('content-type') as { params: Record<string, string> } | undefined)?.params;
          // A bare value is a token: blanks around it are not part of it, and a ';' starts another parameter.
          const bare = value.replace(/^[ \t]+|[ \t]+$/g, '');
          if (quoted) expect(params?.['x-v']).toBe(value);
          else if (/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/.test(bare)) expect(params?.['x-v']).toBe(bare);
          expect(params?.charset).toBe('utf-8');
          outcomes.built++;
        },
      ),
      fcParams(runs(1000)),
    );
    // Both branches ran: refusals and built messages.
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.built).toBeGreaterThan(0);
  }, 120_000);
});
