/**
 * Settings: `configure()`, `getSettings()`, `resetSettings()`, resolved as `configure()` over the
 * environment over the defaults (API.md "Settings").
 * @module
 */
export { configure, getSettings, resetSettings } from './settings/settings-store.js';
export type { AddressEntry, MailerConfig, Settings, SettingsInput, SettingName } from './settings/definitions.js';
