// The demo: send a real message (text, an HTML alternative and an attachment) through the
// SMTP backend to an in-process SMTP server, then print what arrived, as parsed by mailparser.
//
//   npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 demo
import { configure, EmailMultiAlternatives, getConnection } from '@mail/core';
import { startSmtpServer } from '@mail/testing';

const smtp = await startSmtpServer({ tls: 'starttls', auth: { username: 'demo', password: 's3cret' } });
try {
  const { host, port, username, password, useTls, tlsOptions } = smtp.backendOptions();
  configure({ defaultFromEmail: 'Zoë Ünïcode <zoe@example.com>' });
  console.log(`SMTP server listening on ${host}:${port} (STARTTLS required, AUTH required)\n`);

  const connection = await getConnection('smtp', { host, port, username, password, useTls, tlsOptions });
  const msg = new EmailMultiAlternatives({
    subject: 'Réunion n°1 — ordre du jour',
    body: 'Hello Zoë,\n\nThe agenda is attached.\n',
    to: ['Second Ünïcode <second@example.net>', 'user@bücher.example'],
    bcc: ['archive@example.org'],
    connection,
  });
  msg.attachAlternative('<p>Hello <b>Zoë</b>,</p><p>The agenda is attached.</p>', 'text/html');
  msg.attach('agenda.txt', '1. Welcome\n2. Budget\n3. Any other business\n', 'text/plain');
  msg.attach('données.bin', Buffer.from([0, 1, 2, 3, 254, 255]));

  const sent = await msg.send();
  await smtp.waitForMessages(1, { timeout: 5000 });
  const [arrived] = smtp.messages;
  const { parsed, envelope, raw } = arrived;

  console.log(`sent: ${sent} message(s); the server received ${smtp.messages.length}, ${raw.length} bytes\n`);
  console.log('envelope');
  console.log(`  MAIL FROM: ${envelope.mailFrom}`);
  console.log(`  RCPT TO:   ${envelope.rcptTo.join(', ')}`);
  console.log('headers (decoded)');
  console.log(`  From:    ${parsed.from?.text}`);
  console.log(`  To:      ${parsed.to?.text ?? parsed.to?.map?.((a) => a.text).join(', ')}`);
  console.log(`  Subject: ${parsed.subject}`);
  console.log(`  Date:    ${parsed.date?.toISOString()}`);
  console.log(`  Bcc header present: ${/^bcc:/im.test(raw.toString('latin1').split('\r\n\r\n')[0])}`);
  console.log('text body');
  console.log(parsed.text.replace(/^/gm, '  '));
  console.log('html alternative');
  console.log(`  ${parsed.html}`);
  console.log('attachments');
  for (const a of parsed.attachments) {
    console.log(`  ${a.filename}  ${a.contentType}  ${a.size} bytes`);
  }
  console.log('\nraw headers on the wire');
  const head = raw.toString('latin1').split('\r\n\r\n')[0];
  console.log(
    head
      .split('\r\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
} finally {
  await smtp.close();
}
