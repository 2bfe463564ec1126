import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types';

/**
 * The MIME type for a filename, from its extension (nodemailer's table, as Python's
 * `mimetypes.guess_type` does for Django); `application/octet-stream` when unknown.
 *
 * @example
 * ```ts
 * guessMimetype('report.pdf'); // 'application/pdf'
 * ```
 */
export function guessMimetype(filename: string | null | undefined): string {
  if (!filename || filename.lastIndexOf('.') <= 0) return 'application/octet-stream';
  return detectMimeType(filename) || 'application/octet-stream';
}
