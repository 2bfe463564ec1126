import type { Readable } from 'node:stream';
import type { BuildsItself } from './mime-message.js';

/**
 * A MIME part given as is: attached with `attach(part)` or in `attachments`.
 * Disposition is `attachment` unless said; an `inline` part with a `contentId` goes beside the
 * HTML alternative in a `multipart/related`, so `<img src="cid:logo">` finds it.
 *
 * @example
 * ```ts
 * msg.attach({ contentType: 'image/png', content: png, filename: 'logo.png',
 *              disposition: 'inline', contentId: 'logo' });
 * ```
 */
export interface MimePart {
  /**
   * The part's MIME type, e.g. `image/png`, with parameters if needed (`text/calendar;
   * method=REQUEST`); for `text/*` the builder writes `charset` (a `charset=` given here is used).
   */
  contentType: string;
  /** The content: text, bytes, or a readable stream (read once, at send time). */
  content: string | Buffer | Uint8Array | Readable;
  /** The filename offered to the recipient. */
  filename?: string;
  /** `attachment` (the default) or `inline`. */
  disposition?: 'attachment' | 'inline';
  /** The Content-ID, with or without angle brackets; HTML refers to it as `cid:…`. */
  contentId?: string;
  /** More headers for this part. */
  headers?: Record<string, string>;
}

/**
 * A file attached with `attachFile`: only its path is kept; the content is streamed from disk
 * each time the message is written.
 */
export class AttachedFile {
  constructor(
    /** Absolute or relative path, as given to `attachFile`. */
    readonly path: string,
    /** Size in bytes when it was attached. */
    readonly size: number,
  ) {}
}

/** What an attachment's content may be; a message that builds itself (an `EmailMessage`) is sent as message/rfc822. */
export type AttachmentContent = string | Buffer | Uint8Array | BuildsItself | AttachedFile;

/** An attachment as `attachments` holds it (Django's `(filename, content, mimetype)`). */
export interface Attachment {
  filename: string | null;
  content: AttachmentContent;
  /** null: guessed from the filename when the message is built. */
  mimetype: string | null;
}

/** What `attachments` holds: attachments, parts, and messages attached whole (an `EmailMessage`, as message/rfc822). */
export type AttachmentItem = Attachment | MimePart | BuildsItself;

/** What the `attachments` option accepts. */
export type AttachmentInput =
  | readonly [filename: string | null, content: AttachmentContent, mimetype?: string | null]
  | AttachmentItem;

/** An alternative as `alternatives` holds it. */
export interface Alternative {
  content: string | Buffer | Uint8Array;
  mimetype: string;
}

/** What the `alternatives` option accepts: `[content, mimetype]` pairs (or held objects). */
export type AlternativeInput = readonly [content: string | Buffer | Uint8Array, mimetype: string] | Alternative;

/** True for a {@link MimePart} (it has `contentType`), as opposed to an {@link Attachment}. */
export function isMimePart(value: unknown): value is MimePart {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as MimePart).contentType === 'string' &&
    'content' in value
  );
}
