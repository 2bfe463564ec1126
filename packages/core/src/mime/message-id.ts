import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { toASCII } from 'nodemailer/lib/punycode';

let domain: string | undefined;
let counter = 0;
// Random per process, so two processes (or hosts with the same name) never share ids.
const PROCESS_TAG = randomBytes(6).toString('hex');

/**
 * This host's name as it may appear on the right of a Message-ID: IDNA A-labels (RFC 5890),
 * only dot-atom characters (RFC 5322 §3.6.4), `localhost` when nothing usable remains.
 * Computed once per process, like Django's cached `DNS_NAME`.
 */
export function messageIdDomain(): string {
  if (domain === undefined) {
    let name = '';
    try {
      name = toASCII(hostname().toLowerCase());
    } catch {
      name = '';
    }
    name = name
      .replace(/[^A-Za-z0-9.-]/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .replace(/\.{2,}/g, '.');
    domain = name || 'localhost';
  }
  return domain;
}

/**
 * A new unique Message-ID (RFC 5322 §3.6.4), `<time.counter.random@hostname>`, as Django's
 * `make_msgid` makes them.
 *
 * @example
 * ```ts
 * makeMessageId(); // '<lz3k2a1.1.9f2c4e0a1b2c@mail.example.com>'
 * ```
 */
export function makeMessageId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `<${Date.now().toString(36)}.${counter.toString(36)}.${PROCESS_TAG}@${messageIdDomain()}>`;
}
