/**
 * Settings: `configure()`, `getSettings()`, `resetSettings()`, resolved as `configure()` over the
 * environment over the defaults (API.md "Settings").
 * @module
 */

export type {
  AddressEntry,
  BackendConstructor,
  MailerConfig,
  SettingName,
  Settings,
  SettingsInput,
} from './settings/definitions.js';
export {
  POOL_DEFAULTS,
  type PoolOptions,
  type RateLimit,
  type ResolvedPool,
  resolvePool,
  resolveRateLimit,
} from './settings/pool-settings.js';
export { configure, getSettings, resetSettings } from './settings/settings-store.js';
