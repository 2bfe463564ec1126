import type { ListUnsubscribe } from '../headers/list-unsubscribe.js';
import type { Alternative, AttachmentItem } from './mime-part.js';

/** What the builder reads from an `EmailMessage` (or `EmailMultiAlternatives`). */
export interface BuildSource {
  subject: string;
  body: string;
  fromEmail: string | null;
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  replyTo: readonly string[];
  headers: Record<string, string>;
  listUnsubscribe?: ListUnsubscribe | null;
  attachments: readonly AttachmentItem[];
  contentSubtype: string;
  mixedSubtype: string;
  encoding: string | null;
  alternatives?: readonly Alternative[];
  alternativeSubtype?: string;
  message(): unknown;
}
