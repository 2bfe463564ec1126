/**
 * The standard workloads of design/PERFORMANCE.md, as plain data, so every
 * contender (ours, nodemailer, the raw floor; Django reads the same numbers
 * in django_bench.py) builds the same message number `i`.
 */

/** Repeats `unit` and cuts the result to exactly `length` characters. */
function repeatTo(unit, length) {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export const RICH_FROM = 'Zoë Ünïcode <zoe@example.com>';
export const RICH_TEXT = repeatTo('Hello Zoë, this is line of the message body. ', 2048);
export const RICH_HTML = repeatTo('<p>Hello <b>Zoë</b>, this is the html part.</p>', 4096);
/** 20,480 bytes where byte k is (k * 31 + 7) % 256. */
export const RICH_ATTACHMENT = Buffer.from(Array.from({ length: 20480 }, (_, k) => (k * 31 + 7) % 256));

export function richTo(i) {
  return [`user${i}@example.org`, 'Второй <second@example.net>'];
}
export function richSubject(i) {
  return `Réunion n°${i} — ordre du jour`;
}
/** Bare envelope addresses of rich message i (what RCPT TO carries). */
export function richRcpt(i) {
  return [`user${i}@example.org`, 'second@example.net'];
}

export const PLAIN_FROM = 'sender@example.com';
export const PLAIN_TEXT = repeatTo('Plain ASCII body text for the fixed-cost workload. ', 200);
export function plainTo(i) {
  return [`user${i}@example.org`];
}
export function plainSubject(i) {
  return `Plain message ${i}`;
}
