import type { Alternative, AlternativeInput } from '../mime/mime-part.js';
import { EmailMessage, type EmailMessageOptions } from './email-message.js';

/** The options of `new EmailMultiAlternatives({...})`: those of EmailMessage plus `alternatives`. */
export interface EmailMultiAlternativesOptions extends EmailMessageOptions {
  /** `[content, mimetype]` pairs, e.g. `[['<p>Hi</p>', 'text/html']]`. */
  alternatives?: readonly AlternativeInput[];
}

function normalizeAlternative(item: AlternativeInput): Alternative {
  let content: unknown;
  let mimetype: unknown;
  if (Array.isArray(item)) [content, mimetype] = item;
  else if (item !== null && typeof item === 'object') ({ content, mimetype } = item as Alternative);
  if (typeof mimetype !== 'string' || !mimetype)
    throw new TypeError(
      'An alternative is a [content, mimetype] pair, e.g. [html, "text/html"]: the mimetype is missing.',
    );
  if (typeof content !== 'string' && !(content instanceof Uint8Array))
    throw new TypeError(
      `An alternative's content must be a string or bytes, got ${content === null ? 'null' : typeof content}.`,
    );
  return { content, mimetype };
}

/**
 * An {@link EmailMessage} with alternative versions of the body, typically HTML next to the
 * text, as Django's `EmailMultiAlternatives`.
 *
 * @example
 * ```ts
 * const msg = new EmailMultiAlternatives({ subject: 'hello', body: 'This is an important message.',
 *                                          fromEmail: 'from@example.com', to: ['to@example.com'] });
 * msg.attachAlternative('<p>This is an <strong>important</strong> message.</p>', 'text/html');
 * await msg.send();
 * ```
 */
export class EmailMultiAlternatives extends EmailMessage {
  /** The alternatives, `{ content, mimetype }` each. */
  alternatives: Alternative[];
  /** The subtype of the multipart that holds the body and its alternatives. */
  alternativeSubtype = 'alternative';

  constructor(options: EmailMultiAlternativesOptions = {}) {
    super(options);
    this.alternatives = (options.alternatives ?? []).map(normalizeAlternative);
  }

  /** Add an alternative version of the body, e.g. `attachAlternative(html, 'text/html')`. */
  attachAlternative(content: string | Buffer | Uint8Array, mimetype: string): void {
    if (content === undefined || content === null || mimetype === undefined || mimetype === null) {
      throw new TypeError('attachAlternative(content, mimetype) needs both arguments.');
    }
    this.alternatives.push(normalizeAlternative([content, mimetype]));
  }

  /**
   * True when the body and every `text/*` alternative contain `text` (Django's
   * `body_contains`); other alternatives are not searched.
   */
  override bodyContains(text: string): boolean {
    if (!this.body.includes(text)) return false;
    for (const { content, mimetype } of this.alternatives) {
      if (!mimetype.toLowerCase().startsWith('text/')) continue;
      const asText = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
      if (!asText.includes(text)) return false;
    }
    return true;
  }
}
