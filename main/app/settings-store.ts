// Non-secret settings in electron-store: a typed JSON schema, explicit migrations (caprine), and a
// thin wrapper that fills defaults and re-checks every value on read, so a hand-edited file can
// never hand the bridge something the window would have refused.
import type { Options } from 'electron-store';
import { DEFAULT_DELIVERY } from '../../preload/delivery-settings';
import type { PublicSettings } from '../../preload/ipc-contract';
import {
  EDIT_INTERVAL_MIN_MS,
  PORT_MAX,
  PORT_MIN,
  checkPublicSettings,
} from '../../preload/settings-validation';

export const DEFAULT_SETTINGS: PublicSettings = {
  allowedUserIds: [],
  allowedChatIds: [],
  opencodeMode: 'launch',
  opencodeUrl: '',
  opencodePort: 4096,
  opencodeBinary: '',
  defaultProject: '',
  editIntervalMs: 1000,
  // Away mode
  awayNotify: 'away',
  awayIdleMinutes: 5,
  transcribeUrl: '',
  transcribeModel: 'whisper-1',
  transcribeLanguage: '',
  ...DEFAULT_DELIVERY,
};

/** What the file may hold: the current settings, all optional (defaults are applied on read). */
export type StoredSettings = Partial<PublicSettings>;

/** Types only. Ranges are checked in code, because a migration must be able to read old values. */
const schema: NonNullable<Options<StoredSettings>['schema']> = {
  allowedUserIds: { type: 'array', items: { type: 'integer', minimum: 1 } },
  allowedChatIds: { type: 'array', items: { type: 'integer' } },
  opencodeMode: { type: 'string', enum: ['launch', 'attach'] },
  opencodeUrl: { type: 'string' },
  opencodePort: { type: 'integer', minimum: PORT_MIN, maximum: PORT_MAX },
  opencodeBinary: { type: 'string' },
  defaultProject: { type: 'string' },
  editIntervalMs: { type: 'integer', minimum: 0 },
  // Away mode
  awayNotify: { type: 'string', enum: ['away', 'always', 'never'] },
  awayIdleMinutes: { type: 'integer' },
  transcribeUrl: { type: 'string' },
  transcribeModel: { type: 'string' },
  transcribeLanguage: { type: 'string' },
  streaming: { type: 'string', enum: ['draft', 'edit'] },
  richMessages: { type: 'boolean' },
  telegramApiRoot: { type: 'string' },
};

/** The untyped view a migration needs to read keys that no longer exist. */
interface MigrationStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
}

/**
 * Steps are idempotent: conf rewrites the pre-migration snapshot when it fills in missing keys, so
 * a step may run again on the next launch (that is also why this store has no `defaults`).
 */
export const settingsMigrations: Record<string, (store: MigrationStore) => void> = {
  // Preview builds kept the allowlist as the text typed in ("123, 456") and allowed 100 ms edits.
  '0.1.0': (store) => {
    if (store.has('allowedUsers')) {
      const ids = String(store.get('allowedUsers'))
        .split(',')
        .map((part) => Number(part.trim()))
        .filter((id) => Number.isSafeInteger(id) && id > 0);
      store.set('allowedUserIds', [...new Set(ids)]);
      store.delete('allowedUsers');
    }
    const interval = store.get('editIntervalMs');
    if (typeof interval === 'number' && interval < EDIT_INTERVAL_MIN_MS) {
      store.set('editIntervalMs', EDIT_INTERVAL_MIN_MS);
    }
  },
};

/** electron-store runs the migrations up to `app.getVersion()`. */
export function settingsStoreOptions(): Options<StoredSettings> {
  return {
    name: 'settings',
    schema,
    migrations: settingsMigrations,
    clearInvalidConfig: true,
  };
}

/** The part of electron-store this module uses. */
export interface SettingsBackend {
  readonly store: StoredSettings;
  set(object: Partial<StoredSettings>): void;
}

export interface SettingsStore {
  get(): PublicSettings;
  /** Throws when the settings do not pass `checkPublicSettings` (IPC checked them already). */
  save(settings: PublicSettings): void;
}

export function createSettingsStore(backend: SettingsBackend): SettingsStore {
  return {
    get() {
      const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
      for (const [key, value] of Object.entries(backend.store)) {
        if (key in DEFAULT_SETTINGS) merged[key] = value;
      }
      const checked = checkPublicSettings(merged);
      if (checked.ok) return checked.value;
      // One bad field must not discard the rest: fall back to the default for that field only.
      if (checked.field !== undefined) {
        merged[checked.field] = DEFAULT_SETTINGS[checked.field];
        const retry = checkPublicSettings(merged);
        if (retry.ok) return retry.value;
      }
      return { ...DEFAULT_SETTINGS };
    },
    save(settings) {
      const checked = checkPublicSettings(settings);
      if (!checked.ok) throw new Error(checked.error);
      backend.set(checked.value);
    },
  };
}
