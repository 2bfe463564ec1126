import { bareAddresses } from '../addresses/parse-address.js';
import { InvalidAddressError } from '../errors.js';
import { getSettings } from '../settings/settings-store.js';
import type { EmailMessage } from './email-message.js';

/** The envelope of a message: bare addresses, IDNA domains, no display names. */
export interface Envelope {
  from: string;
  to: string[];
}

/**
 * The SMTP envelope of a message: the sender from `fromEmail` and the recipients from
 * `recipients()` (To, Cc and Bcc), as bare addresses with IDNA domains and no display names.
 * Header overrides (`headers: { To: … }`) do not change it, as in Django.
 * Throws {@link InvalidAddressError} naming the malformed address.
 *
 * @example
 * ```ts
 * envelopeOf(new EmailMessage({ fromEmail: 'Zoë <zoe@bücher.de>', to: ['a@x'], bcc: ['b@y'] }));
 * // { from: 'zoe@xn--bcher-kva.de', to: ['a@x', 'b@y'] }
 * ```
 */
export function envelopeOf(message: EmailMessage): Envelope {
  const fromEmail = message.fromEmail ?? getSettings().defaultFromEmail;
  const from = bareAddresses(fromEmail, 'fromEmail');
  if (from.length !== 1) {
    throw new InvalidAddressError(
      `Invalid fromEmail ${JSON.stringify(fromEmail)}: the sender must be exactly one address.`,
    );
  }
  const to: string[] = [];
  for (const [field, list] of [
    ['to', message.to],
    ['cc', message.cc],
    ['bcc', message.bcc],
  ] as const) {
    if (!list) continue;
    for (const item of list) if (item) to.push(...bareAddresses(item, field));
  }
  return { from: from[0], to };
}
