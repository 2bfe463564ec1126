/**
 * The build contenders, each a factory returning `build(i) => Buffer | Promise<Buffer>`
 * for the rich and plain workloads. Loaded lazily so a missing build of our
 * packages only skips our rows.
 */
import * as W from './workload.mjs';

/**
 * Our message objects: `make(i)` returns message i of the workload, not yet built. With
 * `distinct`, each rich message attaches its own copy of the attachment bytes (as a
 * per-recipient invoice would), so nothing of one message's encoding is reused for the next.
 */
export async function oursMessages(workload, { distinct = false } = {}) {
  const { EmailMultiAlternatives, EmailMessage } = await import('@mail/core');
  if (workload === 'rich') {
    return (i) => {
      const msg = new EmailMultiAlternatives({
        subject: W.richSubject(i),
        body: W.RICH_TEXT,
        fromEmail: W.RICH_FROM,
        to: W.richTo(i),
        alternatives: [[W.RICH_HTML, 'text/html']],
      });
      msg.attach(
        'report.bin',
        distinct ? Buffer.from(W.RICH_ATTACHMENT) : W.RICH_ATTACHMENT,
        'application/octet-stream',
      );
      return msg;
    };
  }
  return (i) =>
    new EmailMessage({ subject: W.plainSubject(i), body: W.PLAIN_TEXT, fromEmail: W.PLAIN_FROM, to: W.plainTo(i) });
}

/** Ours: EmailMultiAlternatives + attach, then message().asBytes(). */
export async function oursBuilder(workload, options) {
  const make = await oursMessages(workload, options);
  return (i) => make(i).message().asBytes();
}

/** nodemailer's MailComposer options for message i (also used by its transports). */
export function nodemailerMail(workload, i) {
  if (workload === 'rich') {
    return {
      from: W.RICH_FROM,
      to: W.richTo(i),
      subject: W.richSubject(i),
      text: W.RICH_TEXT,
      html: W.RICH_HTML,
      attachments: [{ filename: 'report.bin', content: W.RICH_ATTACHMENT, contentType: 'application/octet-stream' }],
    };
  }
  return { from: W.PLAIN_FROM, to: W.plainTo(i), subject: W.plainSubject(i), text: W.PLAIN_TEXT };
}

/** nodemailer's MailComposer: new MailComposer(opts).compile().build(). */
export async function composerBuilder(workload) {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  return (i) => new MailComposer(nodemailerMail(workload, i)).compile().build();
}

/**
 * nodemailer's encoders alone: what a builder that calls the encoders
 * directly and joins strings into one buffer costs (headers, encoded words,
 * quoted-printable text and HTML, base64 attachment, boundaries).
 */
export async function encodersBuilder(workload) {
  const mimeFuncs = await import('nodemailer/lib/mime-funcs');
  const qp = await import('nodemailer/lib/qp');
  const base64 = await import('nodemailer/lib/base64');
  const word = (s) => mimeFuncs.encodeWords(s, 'Q', 52, true);
  if (workload === 'plain') {
    return (i) =>
      Buffer.from(
        `From: ${W.PLAIN_FROM}\r\nTo: ${W.plainTo(i).join(', ')}\r\nSubject: ${word(W.plainSubject(i))}\r\n` +
          'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' +
          mimeFuncs.foldLines(W.PLAIN_TEXT, 76) +
          '\r\n',
      );
  }
  return (i) => {
    const b = `----b${i}`;
    const to = W.richTo(i);
    const head =
      `From: ${word('Zoë Ünïcode')} <zoe@example.com>\r\nTo: ${to[0]}, ${word('Второй')} <second@example.net>\r\n` +
      `Subject: ${word(W.richSubject(i))}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n`;
    const text = qp.wrap(qp.encode(Buffer.from(W.RICH_TEXT)), 76);
    const html = qp.wrap(qp.encode(Buffer.from(W.RICH_HTML)), 76);
    const att = base64.wrap(base64.encode(W.RICH_ATTACHMENT), 76);
    return Buffer.from(
      `${head}--${b}\r\nContent-Type: multipart/alternative; boundary="a${b}"\r\n\r\n` +
        `--a${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${text}\r\n` +
        `--a${b}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${html}\r\n` +
        `--a${b}--\r\n--${b}\r\nContent-Type: application/octet-stream; name=report.bin\r\n` +
        `Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=report.bin\r\n\r\n${att}\r\n--${b}--\r\n`,
    );
  };
}

export const BUILDERS = {
  ours: oursBuilder,
  // each message with its own copy of the attachment: no base64 reused between messages
  'ours-distinct': (workload) => oursBuilder(workload, { distinct: true }),
  composer: composerBuilder,
  encoders: encodersBuilder,
};
