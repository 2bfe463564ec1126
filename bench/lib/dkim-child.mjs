/**
 * DKIM signing cost, one contender per process:
 * `node dkim-child.mjs <unsigned|rsa|ed25519|bare-rsa|bare-ed25519> <roundMs> <rounds>`.
 * The rich message goes through a backend (prepare, sign, bytes: what every backend does before
 * writing), unsigned or signed with an RSA-2048 or Ed25519 key; the bare rows are `crypto.sign`
 * alone with the same kind of key over as many octets as the signed headers of a rich message.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { oursMessages } from './contenders.mjs';
import { rateOf, report } from './measure.mjs';

const [contender, roundMs = '700', rounds = '3'] = process.argv.slice(2);
const kind = contender.replace(/^bare-/, '');
const key =
  kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    : kind === 'ed25519'
      ? generateKeyPairSync('ed25519').privateKey
      : null;

let run;
let bytes;
if (contender.startsWith('bare-')) {
  // About what the signer hashes for a rich message: its signed header fields canonicalized.
  const data = Buffer.alloc(900, 'x');
  run =
    kind === 'rsa'
      ? () => sign('sha256', data, key)
      : () => sign(null, createHash('sha256').update(data).digest(), key); // RFC 8463: Ed25519 over the SHA-256
  bytes = data.length;
} else {
  const { BaseEmailBackend } = await import('@mail/core');
  let last;
  class BytesBackend extends BaseEmailBackend {
    async deliverOne({ mime }) {
      last = await mime.asBytes();
    }
  }
  const dkim = key ? { domainName: 'example.com', keySelector: 'bench', privateKey: key } : undefined;
  const backend = new BytesBackend(dkim ? { dkim } : {});
  const make = await oursMessages('rich');
  run = async (i) => {
    await backend.sendMessages([make(i)]);
    return last;
  };
  bytes = (await run(0)).length;
}
const { rate, rates } = await rateOf(run, { roundMs: Number(roundMs), rounds: Number(rounds) });
report({ rate, rates, bytes });
