import { Buffer } from 'node:buffer';
import addressparser from 'nodemailer/lib/addressparser';
import { toASCII } from 'nodemailer/lib/punycode';
import { InvalidAddressError } from '../errors.js';
import { checkHeaderValue } from '../headers/check-header.js';
import { encodeDisplayName } from '../headers/encode-header.js';
import { quoteString } from '../headers/quoted-string.js';

/** An address as a `'Name <addr>'` string or a `[name, addr]` pair (as `admins` holds them). */
export type AddressInput = string | readonly [name: string, address: string];

/** One mailbox: display name (may be empty) and the address as written (Unicode domain kept). */
export interface Mailbox {
  name: string;
  address: string;
  /** Its comments as written (`(Sales)`), kept in the header as Django keeps them; absent when none. */
  comment?: string;
}

/** An RFC 5322 §3.4 group: `Name: a@x, b@y;`. */
export interface AddressGroup {
  name: string;
  group: Mailbox[];
}

/** A parsed address entry. */
export type ParsedAddress = Mailbox | AddressGroup;

// RFC 5321 §4.5.3.1: a local part is at most 64 octets, a domain 255, a path (with its angle
// brackets) 256, so an address 254; RFC 1035 §2.3.4: a label is at most 63 octets. Longer
// addresses are refused by servers and would push header lines towards 998 octets.
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const MAX_LABEL = 63;

// A quoted local part (RFC 5322 §3.4.1), or a dot-atom-like one; UTF-8 allowed (RFC 6531).
const LOCAL_PART = /^(?:"(?:[^"\\]|\\.)*"|[^\s<>()[\]\\,;:@"]+)$/;
// A domain name (A-labels or U-labels) or a domain literal.
const DOMAIN = /^(?:\[[^\s[\]\\]*\]|[^\s<>()[\]\\,;:@"]+)$/;

/**
 * Split an addr-spec at the `@` that separates the local part from the domain: the last one,
 * so a quoted local part holding an `@` (`"a@evil.example x"@victim.example`) keeps its domain.
 */
function splitAddress(address: string): [local: string, domain: string | null] {
  const at = address.lastIndexOf('@');
  return at === -1 ? [address, null] : [address.slice(0, at), address.slice(at + 1)];
}

/** Check an addr-spec's shape; return it with its domain as IDNA A-labels (RFC 5890). */
function validAddress(address: string, input: string, field: string): string {
  // Octets, not characters: UTF-8 (RFC 6531) takes up to 4 a character.
  if (Buffer.byteLength(address) > MAX_ADDRESS) {
    throw new InvalidAddressError(
      `Invalid address in ${field}: longer than ${MAX_ADDRESS} octets (RFC 5321 §4.5.3.1).`,
    );
  }
  const [local, domain] = splitAddress(address);
  if (!local || !LOCAL_PART.test(local)) {
    throw new InvalidAddressError(
      `Invalid address ${JSON.stringify(input)} in ${field}: the part before '@' is empty or malformed.`,
    );
  }
  if (Buffer.byteLength(local) > MAX_LOCAL) {
    throw new InvalidAddressError(
      `Invalid address ${JSON.stringify(input)} in ${field}: the part before '@' is longer than ${MAX_LOCAL} octets (RFC 5321 §4.5.3.1.1).`,
    );
  }
  // An address without a domain ('django') is kept, as Django keeps it: a local MTA may deliver it.
  if (domain === null) return local;
  if (!domain || !DOMAIN.test(domain)) {
    throw new InvalidAddressError(
      `Invalid address ${JSON.stringify(input)} in ${field}: the domain after '@' is empty or malformed.`,
    );
  }
  let ascii: string;
  try {
    ascii = toASCII(domain);
  } catch (error) {
    throw new InvalidAddressError(
      `Invalid address ${JSON.stringify(input)} in ${field}: the domain is not a valid IDNA name.`,
      { cause: error },
    );
  }
  if (!ascii.startsWith('[') && ascii.split('.').some((label) => label.length > MAX_LABEL || label.length === 0)) {
    throw new InvalidAddressError(
      `Invalid address ${JSON.stringify(input)} in ${field}: a domain label is empty or longer than ${MAX_LABEL} octets.`,
    );
  }
  const result = `${local}@${ascii}`;
  if (Buffer.byteLength(result) > MAX_ADDRESS) {
    throw new InvalidAddressError(
      `Invalid address ${JSON.stringify(input)} in ${field}: longer than ${MAX_ADDRESS} octets once the domain is in IDNA form.`,
    );
  }
  return result;
}

/** An entry read at its top level (outside quoted strings, comments and `<…>`). */
interface Scan {
  /** The entry with each comment replaced by a space. */
  text: string;
  /** The comments, parentheses included, in order. */
  comments: string[];
  /** The `<…>` parts. addressparser reads `a, b <evil@x> <victim@y>` as one mailbox at evil@x; the caller refuses more than one. */
  angles: string[];
  /** Where the top level holds these characters (-1: nowhere). */
  at: number;
  colon: number;
  semicolon: number;
  firstAngle: number;
  /** Something other than white space follows the first `<…>` (a phrase, a second address). */
  trailing: boolean;
}

function scanEntry(input: string, field: string): Scan {
  const scan: Scan = {
    text: '',
    comments: [],
    angles: [],
    at: -1,
    colon: -1,
    semicolon: -1,
    firstAngle: -1,
    trailing: false,
  };
  let quoted = false;
  let start = -1; // inside <…>: where its text starts
  let text = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      text += c;
      if (c === '\\' && i + 1 < input.length) text += input[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '(' && start === -1) {
      // RFC 5322 §3.2.2: comments nest, and a backslash quotes the next character.
      let depth = 0;
      let j = i;
      for (; j < input.length; j++) {
        const d = input[j];
        if (d === '\\') j++;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      if (j >= input.length) {
        throw new InvalidAddressError(
          `Invalid address ${JSON.stringify(input)} in ${field}: a comment '(' is not closed; quote a display name holding '(' or pass [name, address].`,
        );
      }
      scan.comments.push(input.slice(i, j + 1));
      text += ' ';
      i = j;
      continue;
    }
    if (scan.angles.length && start === -1 && c !== ' ' && c !== '\t') scan.trailing = true;
    if (c === '"') quoted = true;
    else if (c === '<') {
      if (scan.firstAngle === -1) scan.firstAngle = text.length;
      start = i + 1;
    } else if (c === '>' && start !== -1) {
      scan.angles.push(input.slice(start, i).trim());
      start = -1;
    } else if (start === -1) {
      if (c === '@' && scan.at === -1) scan.at = text.length;
      else if (c === ':' && scan.colon === -1) scan.colon = text.length;
      else if (c === ';' && scan.semicolon === -1) scan.semicolon = text.length;
    }
    text += c;
  }
  scan.text = text;
  return scan;
}

// A comment kept in the header: printable ASCII (Django rewrites non-ASCII headers without
// them), and nothing a reader could take for an address.
const KEPT_COMMENT = /^[\x20-\x7e]*$/;
const ADDRESS_LIKE = /[@<>]/;

/**
 * Parse one address entry: `'addr'`, `'Name <addr>'` (comments kept), a `[name, addr]` pair,
 * or, with `allowGroup` (a header override such as `headers.To`), a group `'Team: a@x, b@y;'`.
 * One entry is one mailbox, as Django's `sanitize_address` requires: a group, an address inside
 * a comment, an `@` or `;` outside quotes in a display name are an {@link InvalidAddressError};
 * line breaks a {@link BadHeaderError}. The domain is returned as IDNA A-labels.
 *
 * @example
 * ```ts
 * parseAddress('Zoë <zoe@bücher.de>', 'to'); // { name: 'Zoë', address: 'zoe@xn--bcher-kva.de' }
 * ```
 */
export function parseAddress(input: AddressInput, field: string, allowGroup = false): ParsedAddress {
  if (Array.isArray(input)) {
    const [name, address] = input as readonly [string, string];
    if (typeof name !== 'string' || typeof address !== 'string') {
      throw new TypeError(`An address pair in ${field} must be [name, address] strings.`);
    }
    checkHeaderValue(field, name); // INJECTION GUARD: display name
    const bare = parseAddress(address, field);
    if ('group' in bare || bare.name || bare.comment) {
      throw new InvalidAddressError(
        `Invalid address ${JSON.stringify(address)} in ${field}: expected a bare address in the pair.`,
      );
    }
    return { name, address: bare.address };
  }
  if (typeof input !== 'string') {
    throw new TypeError(`An address in ${field} must be a string, got ${input === null ? 'null' : typeof input}.`);
  }
  checkHeaderValue(field, input); // INJECTION GUARD: the whole entry, display name included
  const scan = scanEntry(input, field);
  const bad = (why: string) => new InvalidAddressError(`Invalid address ${JSON.stringify(input)} in ${field}: ${why}`);
  // RFC 5322 §3.4: a group ends with ';'. Without one, 'Support: Team <a@x>' is a display name
  // holding a colon (a template such as `${name} <a@x>`), never a group: a group would make
  // clients show "Support" alone, and in From it is invalid (RFC 5322 §3.6.2).
  const isGroup = scan.colon !== -1 && scan.semicolon > scan.colon && scan.text.trimEnd().endsWith(';');
  if (isGroup && !allowGroup) {
    throw bad(
      'a group (several recipients) is not allowed here, only one mailbox: give each address as its own list item.',
    );
  }
  if (!isGroup) {
    if (scan.semicolon !== -1) throw bad("a ';' outside quotes; quote the display name or pass [name, address].");
    // Django refuses it too: 'to@other.com <to@example.com>' must not show one address and deliver to another.
    if (scan.firstAngle !== -1 && scan.at !== -1 && scan.at < scan.firstAngle)
      throw bad('an \'@\' outside quotes in the display name; quote it ("a@b" <c@d>) or pass [name, address].');
  }
  // Comments are never addresses: the entry is read without them.
  const parsed = addressparser(scan.comments.length ? scan.text : input);
  if (parsed.length !== 1) {
    throw bad(
      parsed.length === 0
        ? 'no address found.'
        : `expected one address, found ${parsed.length}. Give each address as its own list item.`,
    );
  }
  const entry = parsed[0];
  if (!entry.group) {
    // The address must be the one in the (only) <…>: a display name must never redirect mail.
    const { angles } = scan;
    if (angles.length > 1 || (angles.length === 1 && angles[0] !== entry.address)) {
      throw bad(
        `expected one <address>, found ${angles.length}. Quote a display name that holds '<', ',' or '@', or pass [name, address].`,
      );
    }
    // Without <…> the entry is the address alone: addressparser would read '"Ann" "a@evil.example"'
    // as "Ann a"@evil.example. With it, nothing may follow ('Ann <a@x> more').
    if (angles.length === 0 && entry.address && scan.text.trim() !== entry.address) {
      throw bad(
        'expected an address alone, or a display name and <address>; quote the name (\'"Ann" <a@example.com>\').',
      );
    }
    if (angles.length === 1 && scan.trailing && !isGroup) {
      throw bad('text after the <address>; put the display name before it, or pass [name, address].');
    }
  }
  if (entry.group && !isGroup) {
    const lt = input.lastIndexOf('<');
    if (entry.group.length !== 1 || lt === -1 || entry.group[0].group) {
      throw bad(
        `a ':' outside quotes starts a group; quote the display name ("Name: x" <a@example.com>) or pass [name, address].`,
      );
    }
    const name = scan.text
      .slice(0, scan.firstAngle)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return withComment(toMailbox(name, entry.group[0].address, input, field), scan.comments);
  }
  if (entry.group) {
    const group: Mailbox[] = [];
    for (const member of entry.group) {
      if (member.group) throw bad('nested groups.');
      group.push(toMailbox(member.name, member.address, input, field));
    }
    return { name: entry.name, group };
  }
  return withComment(toMailbox(entry.name, entry.address, input, field), scan.comments);
}

/** A mailbox with the entry's comments, when they may be written again as they are. */
function withComment(mailbox: Mailbox, comments: string[]): Mailbox {
  const kept = comments.filter((c) => KEPT_COMMENT.test(c) && !ADDRESS_LIKE.test(c));
  if (kept.length) mailbox.comment = kept.join(' ');
  return mailbox;
}

function toMailbox(name: string, address: string, input: string, field: string): Mailbox {
  if (!address) {
    // addressparser reads a lone word ('django') as a name; it is an address without a domain.
    if (name && !/[\s<>]/.test(name) && !input.includes('<'))
      return { name: '', address: validAddress(name, input, field) };
    throw new InvalidAddressError(`Invalid address ${JSON.stringify(input)} in ${field}: no address found.`);
  }
  return { name, address: validAddress(address, input, field) };
}

/**
 * The bare address of an entry (one mailbox: a group is refused), IDNA domain, no display
 * name: what goes in the SMTP envelope.
 */
export function bareAddresses(input: AddressInput, field: string): string[] {
  const entry = parsedOf(input, field, false);
  return 'group' in entry ? entry.group.map((m) => m.address) : [entry.address];
}

/**
 * {@link parseAddress}, remembered for string input. The same address is parsed once for the
 * header (the builder's `formatAddress`) and for the envelope (`envelopeOf`), and the sender and
 * recipients recur message after message. Only successes are kept, so an error always names the
 * field it was asked for; entries are frozen, as they are shared.
 */
function parsedOf(input: AddressInput, field: string, allowGroup: boolean): ParsedAddress {
  if (typeof input !== 'string') return parseAddress(input, field, allowGroup);
  const cache = allowGroup ? parsedGroupCache : parsedCache;
  let entry = cache.get(input);
  if (entry === undefined) {
    entry = parseAddress(input, field, allowGroup);
    if ('group' in entry) {
      for (const member of entry.group) Object.freeze(member);
      Object.freeze(entry.group);
    }
    Object.freeze(entry);
    if (cache.size >= FORMAT_CACHE_ENTRIES) cache.clear();
    cache.set(input, entry);
  }
  return entry;
}

const parsedCache = new Map<string, ParsedAddress>();
const parsedGroupCache = new Map<string, ParsedAddress>();

function formatMailbox(m: Mailbox): string {
  if (m.comment)
    return m.name ? `${encodeDisplayName(m.name)} ${m.comment} <${m.address}>` : `${m.address} ${m.comment}`;
  return m.name ? `${encodeDisplayName(m.name)} <${m.address}>` : m.address;
}

/**
 * Format an address for a header, as Django's `sanitize_address` does: one mailbox, display
 * name encoded (RFC 2047) or quoted where needed, comments kept, domain as IDNA A-labels.
 *
 * @example
 * ```ts
 * formatAddress(['Zoë Ünïcode', 'zoe@example.com']); // '=?UTF-8?Q?Zo=C3=AB_=C3=9Cn=C3=AFcode?= <zoe@example.com>'
 * ```
 */
export function formatAddress(input: AddressInput, field = 'address'): string {
  return formatEntry(input, field, false);
}

/** {@link formatAddress}, or with `allowGroup` a group too (in a header override). */
function formatEntry(input: AddressInput, field: string, allowGroup: boolean): string {
  if (typeof input !== 'string') return formatUncached(input, field, allowGroup);
  // The same sender and recipients recur message after message; parsing is the costly part.
  const cache = allowGroup ? groupCache : formatCache;
  let formatted = cache.get(input);
  if (formatted === undefined) {
    formatted = formatUncached(input, field, allowGroup);
    if (cache.size >= FORMAT_CACHE_ENTRIES) cache.clear();
    cache.set(input, formatted);
  }
  return formatted;
}

const FORMAT_CACHE_ENTRIES = 1024;
// Only successful results are kept, so errors (which name the field) are always computed afresh.
const formatCache = new Map<string, string>();
const groupCache = new Map<string, string>();

function formatUncached(input: AddressInput, field: string, allowGroup: boolean): string {
  const entry = parsedOf(input, field, allowGroup);
  if ('group' in entry) return `${encodeDisplayName(entry.name)}: ${entry.group.map(formatMailbox).join(', ')};`;
  return formatMailbox(entry);
}

/** Django's name for {@link formatAddress}. */
export const sanitizeAddress = formatAddress;

/**
 * Format a header's list of addresses (empty entries dropped), comma-separated, for the wire:
 * one mailbox an entry, or with `allowGroup` (a header override, split first by
 * {@link splitAddressHeader}) groups too, such as `undisclosed-recipients:;`.
 */
export function formatAddressList(list: readonly AddressInput[], field: string, allowGroup = false): string {
  const out: string[] = [];
  for (const item of list) {
    if (item === '' || item === null || item === undefined) continue;
    out.push(formatEntry(item, field, allowGroup));
  }
  return out.join(', ');
}

/**
 * Split a header value holding several addresses (`'a@x, B <b@y>'`) into entries, checking it
 * for line breaks first. Used for user headers that override To, Cc, From or Reply-To.
 */
export function splitAddressHeader(value: string, field: string): string[] {
  checkHeaderValue(field, value); // INJECTION GUARD
  const out: string[] = [];
  for (const entry of addressparser(value)) {
    if (entry.group) {
      out.push(
        `${quoteGroupName(entry.name)}: ${entry.group
          .map((m) => ('address' in m && m.address ? mailboxText(m.name, m.address) : ''))
          .filter(Boolean)
          .join(', ')};`,
      );
    } else {
      out.push(mailboxText(entry.name, entry.address || ''));
    }
  }
  return out.filter(Boolean);
}

function quoteGroupName(name: string): string {
  return /^[\w ]*$/.test(name) ? name : quoteString(name);
}

function mailboxText(name: string, address: string): string {
  if (!address) return name;
  return name ? `${quoteString(name)} <${address}>` : address;
}
