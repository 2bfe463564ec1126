import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { inspect } from 'node:util';
import { ConfigurationError } from '../errors.js';

/** The signing algorithms: RSA (RFC 6376) and Ed25519 (RFC 8463), both over SHA-256. */
export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** `header/body` canonicalization (RFC 6376 §3.4). */
export type DkimCanonicalization = `${'relaxed' | 'simple'}/${'relaxed' | 'simple'}`;

/**
 * One DKIM key to sign with (the names are nodemailer's). The `dkim` option of every backend and
 * mailer takes one of these or a list of them (one signature each, e.g. an RSA and an Ed25519 one).
 *
 * @example
 * ```ts
 * await getConnection('smtp', {
 *   dkim: { domainName: 'example.com', keySelector: '2026', privateKey: process.env.DKIM_KEY },
 * });
 * ```
 */
export interface DkimOptions {
  /** The signing domain (`d=`). */
  domainName: string;
  /** The selector (`s=`): the key's DNS record is `<selector>._domainkey.<domain>`. */
  keySelector: string;
  /** The private key: PEM (PKCS#8 or PKCS#1) as a string or bytes, or a `KeyObject`. Never shown. */
  privateKey: string | Buffer | KeyObject;
  /** Default: from the key (`rsa-sha256` for RSA, `ed25519-sha256` for Ed25519). */
  algorithm?: DkimAlgorithm;
  /** Header fields to sign: a colon-separated string or a list. From and List-Unsubscribe(-Post) are always signed. */
  headerFieldNames?: string | readonly string[];
  /** Header fields not to sign (e.g. `'message-id:date'`), taken out of the list. */
  skipFields?: string | readonly string[];
  /** Default `'relaxed/relaxed'`. */
  canonicalization?: DkimCanonicalization;
}

/** What the `dkim` option takes. */
export type DkimOption = DkimOptions | readonly DkimOptions[];

/** The fields signed by default (nodemailer's and mailauth's list, with RFC 8058's List-Unsubscribe-Post). */
const DEFAULT_FIELDS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:' +
  'Content-ID:Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:' +
  'In-Reply-To:References:List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:' +
  'List-Owner:List-Archive';

// RFC 6376 §5.4: From MUST be signed; RFC 8058 §4: both List-Unsubscribe fields MUST be signed.
const ALWAYS_SIGNED = ['from', 'list-unsubscribe', 'list-unsubscribe-post'];

// RFC 6376 §3.1 (selector) and §3.5 (d=): dot-separated sub-domains of letters, digits and hyphens.
const SUBDOMAINS = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const CANONICALIZATIONS = new Set(['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple']);
const KNOWN_KEYS = new Set([
  'domainName',
  'keySelector',
  'privateKey',
  'algorithm',
  'headerFieldNames',
  'skipFields',
  'canonicalization',
]);

/**
 * A checked DKIM key, ready to sign. The private key lives in a private field: `util.inspect`,
 * `JSON.stringify` and error messages never show it.
 */
export class DkimKey {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: DkimAlgorithm;
  readonly headerCanon: 'relaxed' | 'simple';
  readonly bodyCanon: 'relaxed' | 'simple';
  /** Lowercase field names to sign, in order. */
  readonly fields: readonly string[];
  readonly #key: KeyObject;

  constructor(options: DkimOptions, where: string) {
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw new ConfigurationError(`${where} must be an object { domainName, keySelector, privateKey }.`);
    for (const key of Object.keys(options)) {
      if (!KNOWN_KEYS.has(key))
        throw new ConfigurationError(`${where}: unknown field "${key}". Known: ${[...KNOWN_KEYS].join(', ')}.`);
    }
    const domain = typeof options.domainName === 'string' ? domainToASCII(options.domainName) : '';
    if (!SUBDOMAINS.test(domain))
      throw new ConfigurationError(`${where}.domainName must be a domain name such as 'example.com'.`);
    if (typeof options.keySelector !== 'string' || !SUBDOMAINS.test(options.keySelector))
      throw new ConfigurationError(`${where}.keySelector must be a DNS label such as '2026' or 'mail.rsa'.`);
    this.domain = domain.toLowerCase();
    this.selector = options.keySelector;
    this.#key = privateKeyOf(options.privateKey, where);
    const type = this.#key.asymmetricKeyType;
    const fromKey: DkimAlgorithm | null = type === 'rsa' ? 'rsa-sha256' : type === 'ed25519' ? 'ed25519-sha256' : null;
    if (fromKey === null)
      throw new ConfigurationError(`${where}.privateKey is a ${type} key: DKIM signs with an RSA or an Ed25519 key.`);
    const algorithm = options.algorithm ?? fromKey;
    if (algorithm !== 'rsa-sha256' && algorithm !== 'ed25519-sha256')
      throw new ConfigurationError(`${where}.algorithm must be 'rsa-sha256' or 'ed25519-sha256'.`);
    if (algorithm !== fromKey)
      throw new ConfigurationError(`${where}.algorithm is ${algorithm} but privateKey is an ${type} key.`);
    // RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits.
    const bits = this.#key.asymmetricKeyDetails?.modulusLength;
    if (type === 'rsa' && bits !== undefined && bits < 1024)
      throw new ConfigurationError(`${where}.privateKey is an RSA key of ${bits} bits: DKIM needs at least 1024.`);
    this.algorithm = algorithm;
    const canonicalization = options.canonicalization ?? 'relaxed/relaxed';
    if (!CANONICALIZATIONS.has(canonicalization))
      throw new ConfigurationError(`${where}.canonicalization must be one of ${[...CANONICALIZATIONS].join(', ')}.`);
    [this.headerCanon, this.bodyCanon] = canonicalization.split('/') as ['relaxed' | 'simple', 'relaxed' | 'simple'];
    this.fields = fieldList(options, where);
  }

  /** The signature of `data` (the canonicalized headers): RSA PKCS#1 v1.5, or Ed25519 over its SHA-256 (RFC 8463 §3). */
  sign(data: Buffer, digest: () => Buffer): Buffer {
    return this.algorithm === 'rsa-sha256' ? sign('sha256', data, this.#key) : sign(null, digest(), this.#key);
  }

  toJSON(): Record<string, string> {
    return { domainName: this.domain, keySelector: this.selector, algorithm: this.algorithm, privateKey: '(hidden)' };
  }

  [inspect.custom](): string {
    return `DkimKey { d=${this.domain}; s=${this.selector}; a=${this.algorithm}; privateKey: (hidden) }`;
  }
}

function privateKeyOf(value: unknown, where: string): KeyObject {
  if (value !== null && typeof value === 'object' && (value as KeyObject).type === 'private') return value as KeyObject;
  if (typeof value !== 'string' && !Buffer.isBuffer(value))
    throw new ConfigurationError(`${where}.privateKey must be a PEM private key (a string or bytes) or a KeyObject.`);
  try {
    return createPrivateKey({ key: value, format: 'pem' });
  } catch (error) {
    // The reason only (OpenSSL's "unsupported" and the like): never the key, never a cause holding it.
    const reason = error instanceof Error ? (error as { code?: string }).code || 'unreadable' : 'unreadable';
    throw new ConfigurationError(
      `${where}.privateKey is not a PEM private key (${reason}): give the whole PEM text of the key (PKCS#8 or PKCS#1) or a KeyObject.`,
    );
  }
}

function names(value: unknown, what: string): string[] {
  const list = typeof value === 'string' ? value.split(':') : Array.isArray(value) ? value : null;
  if (list === null)
    throw new ConfigurationError(`${what} must be a colon-separated string or a list of header names.`);
  const out: string[] = [];
  for (const raw of list) {
    const name = typeof raw === 'string' ? raw.trim() : raw;
    if (name === '') continue;
    if (typeof name !== 'string' || !FIELD_NAME.test(name))
      throw new ConfigurationError(`${what}: ${JSON.stringify(name)} is not a header field name.`);
    out.push(name.toLowerCase());
  }
  return out;
}

function fieldList(options: DkimOptions, where: string): string[] {
  const wanted = names(options.headerFieldNames ?? DEFAULT_FIELDS, `${where}.headerFieldNames`);
  const skip = new Set(options.skipFields === undefined ? [] : names(options.skipFields, `${where}.skipFields`));
  for (const name of ALWAYS_SIGNED) {
    if (skip.has(name))
      throw new ConfigurationError(`${where}.skipFields cannot skip ${name}: RFC 6376 and RFC 8058 require it signed.`);
  }
  return [...new Set([...wanted, ...ALWAYS_SIGNED])].filter((name) => !skip.has(name));
}

/** Check the `dkim` option of a backend: one key or a list, each checked now (a bad key fails at construction). */
export function resolveDkim(value: unknown, where = 'dkim'): DkimKey[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ConfigurationError(`${where} is an empty list: give one key or leave it out.`);
  return list.map((entry, i) => new DkimKey(entry as DkimOptions, Array.isArray(value) ? `${where}[${i}]` : where));
}
