const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

let cachedSecond = -1;
let cachedLocal = false;
let cachedValue = '';

/**
 * A date in RFC 5322 §3.3 form, `Mon, 23 Nov 2026 19:34:53 +0000`: in UTC, or in the local
 * time zone with its offset when `localtime` is true (the `emailUseLocaltime` setting).
 * The current second's value is cached: every message built in that second shares it.
 *
 * @example
 * ```ts
 * formatDate(new Date(0)); // 'Thu, 01 Jan 1970 00:00:00 +0000'
 * ```
 */
export function formatDate(date: Date = new Date(), localtime = false): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError('Cannot format an invalid Date for the Date header.');
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond && localtime === cachedLocal) return cachedValue;
  let value: string;
  if (localtime) {
    const offset = -date.getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    value =
      `${DAYS[date.getDay()]}, ${pad(date.getDate())} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ` +
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  } else {
    value =
      `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
      `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
  }
  cachedSecond = second;
  cachedLocal = localtime;
  cachedValue = value;
  return value;
}
