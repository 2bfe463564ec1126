/**
 * Two DKIM verifiers that share no code with our signer: mailauth's (Node) and Debian's
 * python3-dkim (dkimpy, under /usr/bin/python3). Each is given the keys' DNS TXT records
 * directly (a resolver stub, dkimpy's `dnsfunc`), so no DNS is asked.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify(
    message: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ): Promise<{ results: { status: { result: string; comment?: string }; signingDomain: string; selector: string }[] }>;
};

/** A key pair with its DNS record, as a domain would publish it. */
export interface TestKey {
  privateKey: KeyObject;
  pem: string;
  selector: string;
  domain: string;
  /** The TXT record of `<selector>._domainkey.<domain>`. */
  record: string;
}

export function rsaKey(selector = 'rsa', domain = 'example.com', bits = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { privateKey, pem, selector, domain, record: `v=DKIM1; k=rsa; p=${p}` };
}

export function ed25519Key(selector = 'ed', domain = 'example.com'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // RFC 8463 §4.2: p= is the raw 32-octet public key, base64.
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { privateKey, pem, selector, domain, record: `v=DKIM1; k=ed25519; p=${raw}` };
}

/** The `dkim` option for a test key. */
export function dkimOption(key: TestKey, extra: Record<string, unknown> = {}) {
  return { domainName: key.domain, keySelector: key.selector, privateKey: key.pem, ...extra };
}

const recordsOf = (keys: TestKey[]) => new Map(keys.map((k) => [`${k.selector}._domainkey.${k.domain}`, k.record]));

/** mailauth's verdict for each signature, in order: 'pass' or what went wrong. */
export async function mailauthVerdicts(raw: Buffer, keys: TestKey[]): Promise<string[]> {
  const records = recordsOf(keys);
  const result = await dkimVerify(raw, {
    resolver: async (name, type) => {
      const record = records.get(name.replace(/\.$/, ''));
      if (type !== 'TXT' || !record)
        throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
      return [[record]];
    },
  });
  return result.results.map((r) =>
    r.status.result === 'pass' ? 'pass' : `${r.status.result}: ${r.status.comment ?? ''}`,
  );
}

const PYTHON = `
import sys, json, dkim
records = json.loads(sys.argv[1])
msg = sys.stdin.buffer.read()
def dns(name, timeout=5):
    return records.get(name.decode().rstrip('.'), '').encode() or None
d = dkim.DKIM(msg)
count = len([l for l in msg.split(b'\\r\\n\\r\\n', 1)[0].split(b'\\r\\n') if l.lower().startswith(b'dkim-signature:')])
def check(i):
    try:
        return bool(d.verify(idx=i, dnsfunc=dns))
    except dkim.ValidationError:
        return False
print(json.dumps([check(i) for i in range(count)]))
`;

/** dkimpy's verdict for each signature, in order (true = verified). */
export function dkimpyVerdicts(raw: Buffer, keys: TestKey[]): boolean[] {
  const records = Object.fromEntries(recordsOf(keys));
  const run = spawnSync('/usr/bin/python3', ['-c', PYTHON, JSON.stringify(records)], { input: raw, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3-dkim failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** True when Debian's python3-dkim is importable (.ci/run installs it). */
export const hasDkimpy = spawnSync('/usr/bin/python3', ['-c', 'import dkim']).status === 0;
