/**
 * A value a criterion accepts: a string (exact, or an address with or without display name),
 * a regular expression, or a vitest asymmetric matcher such as `expect.stringContaining('x')`.
 */
// vitest types `expect.stringContaining()` and friends as returning `any`, which fits here, while
// a number or a misspelt field does not compile.
export type Matchable = string | RegExp | AsymmetricMatcherLike;

/** Something with `asymmetricMatch`, as vitest's `expect.any()` / `expect.stringContaining()` return. */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
}

/** Criteria for one attachment: a filename, or filename / content type / content. */
export interface AttachmentCriteria {
  filename?: Matchable;
  /** The MIME type, e.g. `'application/pdf'`. */
  contentType?: Matchable;
  /** Compared as text for strings and regular expressions; a Buffer is compared byte for byte. */
  content?: Matchable | Buffer;
}

/**
 * What a sent message must look like; every field is optional and all given fields must match
 * the same message. Address fields accept one address (some recipient matches) or a list
 * (the same recipients, in any order); an address matches with or without its display name.
 */
export interface EmailCriteria {
  subject?: Matchable;
  from?: Matchable;
  to?: Matchable | Matchable[];
  cc?: Matchable | Matchable[];
  bcc?: Matchable | Matchable[];
  replyTo?: Matchable | Matchable[];
  /** The text body; strings compare with line endings and trailing whitespace ignored. */
  body?: Matchable;
  /** The HTML body or `text/html` alternative. */
  html?: Matchable;
  /** Header values by name (case-insensitive); `undefined` requires the header to be absent. */
  headers?: Record<string, Matchable | undefined>;
  /** Each entry (a filename or {@link AttachmentCriteria}) matches some attachment. */
  attachments?: Array<string | RegExp | AttachmentCriteria>;
}

/** An attachment as the matchers see it. */
export interface SentAttachment {
  filename: string | undefined;
  contentType: string | undefined;
  content: unknown;
}

/** A sent message in the one shape every matcher works on, from an outbox entry or a fixture message. */
export interface SentEmail {
  /** Where it came from: the locmem outbox or the SMTP fixture. */
  source: 'outbox' | 'smtp';
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  body: string;
  html: string | undefined;
  alternatives: { content: unknown; mimetype: string }[];
  attachments: SentAttachment[];
  /** A header's value (case-insensitive), undefined when absent. */
  header(name: string): string | undefined;
  /** The outbox entry or fixture message it was made from. */
  original: unknown;
}

/** The part of vitest's matcher context the matchers use; works without vitest too. */
export interface MatcherContext {
  /** Deep equality that understands asymmetric matchers (vitest's `this.equals`). */
  equals?(a: unknown, b: unknown): boolean;
  isNot?: boolean;
}

/** What a matcher returns; vitest draws a diff from `actual` and `expected`. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}
