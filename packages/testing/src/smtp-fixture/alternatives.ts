import type { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type MimeNode, Splitter, type SplitterChunk } from '@zone-eu/mailsplit';

/** One part of a `multipart/alternative` of a received message. */
export interface ReceivedAlternative {
  /** Part number as mailparser gives it in `parsed.attachments[].partId` (`'1.3'`). */
  partId: string;
  /** Position among the parts of its `multipart/alternative` (0 is the plain-text body). */
  index: number;
  /** The type without parameters, lowercase (`'text/calendar'`). */
  type: string;
  /** The `Content-Type` value as sent, unfolded (`'text/calendar; charset="utf-8"; method=REQUEST'`). */
  contentType: string;
  /** The content, transfer encoding undone: text in its charset for `text/*`, bytes otherwise. */
  content: string | Buffer;
}

/**
 * Every leaf part of every `multipart/alternative` in `raw`, read with mailsplit (the MIME
 * splitter mailparser itself uses). mailparser keeps only `text` and `html` and reports any other
 * alternative (a `text/calendar` invite, `text/x-amp-html`) as an attachment; the matchers need
 * the alternatives as sent. Attached `message/rfc822` messages are not searched.
 */
export async function readAlternatives(raw: Buffer): Promise<ReceivedAlternative[]> {
  const found: { node: MimeNode; index: number; decoder: Transform; chunks: Buffer[] }[] = [];
  const siblings = new Map<MimeNode, number>();
  const decoders = new Map<MimeNode, Transform>();
  const splitter = new Splitter();
  splitter.on('data', (data: SplitterChunk) => {
    if (data.type === 'node') {
      const parent = data.parentNode;
      if (!parent) return;
      const index = siblings.get(parent) ?? 0;
      siblings.set(parent, index + 1);
      if (parent.multipart !== 'alternative' || data.multipart) return;
      const entry = { node: data, index, decoder: data.getDecoder(), chunks: [] as Buffer[] };
      entry.decoder.on('data', (chunk: Buffer) => entry.chunks.push(chunk));
      found.push(entry);
      decoders.set(data, entry.decoder);
    } else if (data.type === 'body') {
      decoders.get(data.node)?.write(data.value);
    }
  });
  splitter.end(raw);
  await finished(splitter);
  await Promise.all(
    found.map(({ decoder }) => {
      decoder.end();
      return finished(decoder);
    }),
  );
  return found.map(({ node, index, chunks }) => {
    const type = node.contentType || 'text/plain';
    const bytes = Buffer.concat(chunks);
    return {
      partId: (node.partNr || []).filter((nr) => typeof nr === 'number').join('.'),
      index,
      type,
      contentType: (node.headers ? node.headers.getFirst('content-type') : '') || type,
      content: type.startsWith('text/') || node.charset ? decodeText(bytes, node.charset || 'utf-8') : bytes,
    };
  });
}

function decodeText(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8'); // a charset TextDecoder does not know
  }
}
