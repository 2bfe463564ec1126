import { ConfigurationError } from '../errors.js';
import { closestName, didYouMean } from './closest-name.js';
import { type AddressEntry, DEFINITIONS, type MailerConfig, type SettingName } from './definitions.js';
import { describeValue } from './describe-value.js';
import { parseEmailUrl } from './email-url.js';
import { resolvePool, resolveRateLimit } from './pool-settings.js';
import { resolveRetry } from './retry-options.js';
import { MASK, maskMailerOptions, maskSecret, SECRET_SETTINGS, showMasked } from './secrets.js';

const MAILER_KEYS = ['backend', 'options'];

/** A mailer's `options` itself (values readable as given), with a masked view for inspect and JSON. */
function withMaskedView(options: Record<string, unknown>): Record<string, unknown> {
  return showMasked(options, () => maskMailerOptions(options));
}

/** An environment variable's text for an error message; a secret's is hidden. */
function shownEnv(name: SettingName, raw: string): string {
  if (!SECRET_SETTINGS.has(name)) return JSON.stringify(raw);
  const shown = maskSecret(name, raw);
  return shown === MASK ? '(hidden)' : JSON.stringify(shown);
}

/** A value for an error message; secrets are never shown. */
function show(name: SettingName, value: unknown): string {
  if (SECRET_SETTINGS.has(name)) {
    const shown = maskSecret(name, value);
    return shown === MASK ? `a ${typeof value}` : JSON.stringify(shown);
  }
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return describeValue(value);
}

function wrong(name: SettingName, value: unknown, expected: string): ConfigurationError {
  return new ConfigurationError(`Setting "${name}" must be ${expected}; got ${show(name, value)}.`);
}

/** Check a value given to `configure()`; returns it (normalised) or throws naming the setting. */
export function validateSetting(name: SettingName, value: unknown): unknown {
  const { kind } = DEFINITIONS[name];
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw wrong(name, value, 'a string');
      return value;
    case 'nullableString':
      if (value !== null && typeof value !== 'string') throw wrong(name, value, 'a string or null');
      return value;
    case 'port':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
        throw wrong(name, value, 'a port number (an integer from 1 to 65535)');
      }
      return value;
    case 'timeout':
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
        throw wrong(name, value, 'a number of seconds greater than 0, or null');
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong(name, value, 'true or false');
      return value;
    case 'backend':
      if (typeof value === 'function') return value;
      if (typeof value !== 'string' || value.trim() === '') {
        throw wrong(
          name,
          value,
          "a backend alias ('smtp', 'console', 'file', 'locmem', 'dummy'), a module specifier or a class",
        );
      }
      return value;
    case 'url':
      if (value === null) return value;
      if (typeof value !== 'string') throw wrong(name, value, 'an email URL string or null');
      parseEmailUrl(value, name); // fail at configure(), not at the first send
      return value;
    case 'addresses':
      return validateAddresses(name, value);
    case 'mailers':
      return validateMailers(value);
    case 'retry':
      resolveRetry(value, `Setting "${name}"`);
      return value !== null && typeof value === 'object' ? Object.freeze({ ...value }) : value;
    case 'pool':
      // Checked whole, kept as given (`true`, or the limits without the defaults filled in).
      resolvePool(value, (key) => `Setting "${name}${key ? `.${key}` : ''}"`);
      if (value === true || value === false) return value;
      if (value === null)
        throw wrong(name, value, 'true, false or { maxConnections, maxMessagesPerConnection, idleTimeout }');
      return Object.freeze({ ...(value as object) });
    case 'rateLimit':
      return value === null
        ? null
        : Object.freeze({ ...resolveRateLimit(value, (key) => `Setting "${name}${key ? `.${key}` : ''}"`) });
  }
}

function validateAddresses(name: SettingName, value: unknown): readonly AddressEntry[] {
  if (!Array.isArray(value)) {
    throw wrong(name, value, "an array of 'Name <address>' strings or [name, address] pairs");
  }
  value.forEach((entry: unknown, i) => {
    const ok =
      typeof entry === 'string' ||
      (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string');
    if (!ok) {
      throw new ConfigurationError(
        `Setting "${name}" entry ${i} must be a 'Name <address>' string or a [name, address] pair; got ${show(name, entry)}.`,
      );
    }
  });
  return Object.freeze(
    value.map((entry) => (Array.isArray(entry) ? Object.freeze([...entry]) : entry)),
  ) as readonly AddressEntry[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function validateMailers(value: unknown): Readonly<Record<string, MailerConfig>> | null {
  if (value === null) return null;
  if (!isPlainObject(value)) {
    throw wrong(
      'mailers',
      value,
      "null or an object of named mailers, e.g. { default: { backend: 'smtp', options: { host } } }",
    );
  }
  const aliases = Object.keys(value);
  if (!aliases.includes('default')) {
    const misspelt = closestName('default', aliases);
    throw new ConfigurationError(
      `Setting "mailers" must define a "default" mailer, the default connection (it has: ${aliases.join(', ') || 'none'}).${misspelt ? ` Is "${misspelt}" a misspelling of "default"?` : ''}`,
    );
  }
  const result: Record<string, MailerConfig> = {};
  for (const alias of aliases) {
    const entry = value[alias];
    if (!isPlainObject(entry)) {
      throw new ConfigurationError(`Mailer "${alias}" must be an object like { backend: 'smtp', options: { … } }.`);
    }
    for (const key of Object.keys(entry)) {
      if (!MAILER_KEYS.includes(key)) {
        throw new ConfigurationError(
          `Mailer "${alias}" has an unknown key "${key}"; a mailer takes "backend" and "options".${didYouMean(key, MAILER_KEYS)}`,
        );
      }
    }
    const { backend, options } = entry;
    if (
      backend !== undefined &&
      typeof backend !== 'function' &&
      (typeof backend !== 'string' || backend.trim() === '')
    ) {
      throw new ConfigurationError(
        `Mailer "${alias}" has backend ${show('mailers', backend)}; expected an alias ('smtp', 'console', …), a module specifier or a class.`,
      );
    }
    if (options !== undefined && !isPlainObject(options)) {
      throw new ConfigurationError(`Mailer "${alias}" has options that are not a plain object.`);
    }
    result[alias] = Object.freeze({
      ...(backend === undefined ? {} : { backend: backend as MailerConfig['backend'] }),
      ...(options === undefined ? {} : { options: withMaskedView({ ...options }) }),
    });
  }
  return Object.freeze(result);
}

/**
 * Read a setting from its environment variable's text.
 * Returns undefined when the variable is unset (or empty, for a non-string setting).
 * @throws ConfigurationError naming the variable.
 */
export function parseEnvSetting(name: SettingName, raw: string | undefined): unknown {
  const { env, kind } = DEFINITIONS[name];
  if (raw === undefined || env === null) return undefined;
  const bad = (expected: string) =>
    new ConfigurationError(`Environment variable ${env} must be ${expected}; got ${shownEnv(name, raw)}.`);
  const text = raw.trim();
  if (kind === 'string') return raw;
  if (text === '') return undefined;
  switch (kind) {
    case 'nullableString':
    case 'backend':
      return text;
    case 'url':
      parseEmailUrl(text, env);
      return text;
    case 'port': {
      const port = Number(text);
      if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw bad('a port number (an integer from 1 to 65535)');
      return port;
    }
    case 'timeout': {
      const seconds = Number(text);
      if (!Number.isFinite(seconds) || seconds <= 0) throw bad('a number of seconds greater than 0');
      return seconds;
    }
    case 'boolean': {
      const v = text.toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw bad('true, false, 1 or 0');
    }
    case 'addresses':
      return Object.freeze(splitAddresses(text));
    case 'retry': {
      const attempts = Number(text);
      if (!/^\d+$/.test(text) || attempts < 1)
        throw bad('a number of attempts (an integer of at least 1; 1 = no retry)');
      return attempts;
    }
    default:
      return undefined;
  }
}

/** Split `A <a@x>, "Doe, J" <j@x>, c@x` on the commas outside quotes and angle brackets. */
export function splitAddresses(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle = true;
    else if (!quoted && c === '>') angle = false;
    if (c === ',' && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}
