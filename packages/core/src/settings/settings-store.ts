import { ConfigurationError } from '../errors.js';
import { didYouMean } from './closest-name.js';
import { DEFINITIONS, SETTING_NAMES, type SettingName, type Settings, type SettingsInput } from './definitions.js';
import { parseEmailUrl } from './email-url.js';
import { maskMailerOptions, maskSecret, SECRET_SETTINGS, showMasked } from './secrets.js';
import { parseEnvSetting, validateSetting } from './validate-setting.js';

type Layer = Partial<Record<SettingName, unknown>>;

/** What `configure()` was given, merged. Module state: one per copy of @mail/core. */
let configured: Layer = {};

const ENV_NAMES = new Map(
  SETTING_NAMES.flatMap((n) => (DEFINITIONS[n].env ? [[DEFINITIONS[n].env!, n] as const] : [])),
);

/**
 * Set settings for this process. Merges into what was configured before; a key given as
 * `undefined` is forgotten (the environment or the default applies again).
 *
 * @throws ConfigurationError for an unknown setting name (suggesting the closest one) or a value
 *   of the wrong type (naming the setting); nothing is changed then.
 * @example
 * ```ts
 * configure({ emailHost: 'smtp.example.com', emailPort: 587, emailUseTls: true });
 * configure({ emailUrl: 'smtps://user:secret@smtp.example.com' });
 * ```
 */
export function configure(settings: SettingsInput): void {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new TypeError('configure() takes an object of settings, e.g. configure({ emailHost: "smtp.example.com" }).');
  }
  const next: Layer = { ...configured };
  for (const [name, value] of Object.entries(settings)) {
    if (!Object.hasOwn(DEFINITIONS, name)) {
      const envHint = ENV_NAMES.has(name) ? ` "${name}" is the environment variable of "${ENV_NAMES.get(name)}".` : '';
      throw new ConfigurationError(
        `Unknown setting "${name}".${envHint || didYouMean(name, SETTING_NAMES)} Known settings: ${SETTING_NAMES.join(', ')}.`,
      );
    }
    const key = name as SettingName;
    if (value === undefined) delete next[key];
    else next[key] = validateSetting(key, value);
  }
  configured = next;
}

/** Forget everything `configure()` was given. The environment and the defaults remain. */
export function resetSettings(): void {
  configured = {};
}

/**
 * The settings in effect now: `configure()` over the environment over the defaults. The
 * environment is read afresh at each call. Within each layer an email URL wins over the
 * individual settings it covers (host, port, user, password, TLS/SSL, file path, backend).
 * The result is frozen; `emailHostPassword` and the password in `emailUrl` are masked by
 * `util.inspect` and `JSON.stringify`.
 *
 * @throws ConfigurationError when an environment variable holds an invalid value (naming it).
 * @example
 * ```ts
 * const { emailHost, emailPort } = getSettings();
 * ```
 */
export function getSettings(): Settings {
  // The environment is read at every call; the resolution is reused while neither it nor
  // configure() changed (messages read settings several times each: this keeps it cheap).
  const env = readEnv();
  if (cache !== null && cache.configured === configured && sameValues(cache.env, env)) return cache.settings;
  const resolved: Layer = {};
  for (const layer of [defaultLayer(), envLayer(env), configured]) Object.assign(resolved, expandUrl(layer));
  const settings = seal(resolved);
  cache = { configured, env, settings };
  return settings;
}

const ENV_VARS = SETTING_NAMES.map((n) => DEFINITIONS[n].env);
let cache: { configured: Layer; env: (string | undefined)[]; settings: Settings } | null = null;

function readEnv(): (string | undefined)[] {
  return ENV_VARS.map((name) => (name === null ? undefined : process.env[name]));
}

function sameValues(a: (string | undefined)[], b: (string | undefined)[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The built-in defaults alone (no environment, no `configure()`): what a backend built from a
 * `mailers` entry falls back to, since a mailer takes its options from its entry alone.
 */
export function defaultSettings(): Settings {
  // The defaults never change: resolved once (a backend built from a mailer asks for each send).
  defaults ??= seal(expandUrl(defaultLayer()));
  return defaults;
}

let defaults: Settings | null = null;

function defaultLayer(): Layer {
  const layer: Layer = {};
  for (const name of SETTING_NAMES) layer[name] = DEFINITIONS[name].default;
  return layer;
}

function envLayer(env: (string | undefined)[]): Layer {
  const layer: Layer = {};
  SETTING_NAMES.forEach((name, i) => {
    const value = parseEnvSetting(name, env[i]);
    if (value !== undefined) layer[name] = value;
  });
  return layer;
}

/** Within one layer, the URL wins over the individual settings it covers. */
function expandUrl(layer: Layer): Layer {
  const url = layer.emailUrl;
  if (typeof url !== 'string') return layer;
  const source = layer === configured ? 'emailUrl' : 'EMAIL_URL';
  return { ...layer, ...parseEmailUrl(url, source) };
}

/** A view for inspection: secrets masked, mailer options' passwords too. */
function masked(values: Layer): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = values[name];
    view[name] = SECRET_SETTINGS.has(name) && value ? maskSecret(name, value) : value;
  }
  const mailers = view.mailers as Record<string, { options?: Record<string, unknown> }> | null;
  if (mailers) {
    view.mailers = Object.fromEntries(
      Object.entries(mailers).map(([alias, entry]) => [
        alias,
        entry.options ? { ...entry, options: maskMailerOptions(entry.options) } : entry,
      ]),
    );
  }
  return view;
}

/**
 * Freeze the resolved values. The secrets are non-enumerable (absent from spreads, `Object.keys`
 * and default JSON), and custom inspect / toJSON show them masked, so logging the settings
 * never prints a password.
 */
function seal(values: Layer): Settings {
  const result: Record<string | symbol, unknown> = {};
  for (const name of SETTING_NAMES) {
    Object.defineProperty(result, name, { value: values[name], enumerable: !SECRET_SETTINGS.has(name) });
  }
  return Object.freeze(showMasked(result, () => masked(values), 'Settings ')) as unknown as Settings;
}
