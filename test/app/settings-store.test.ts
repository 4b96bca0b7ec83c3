import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  createSettingsStore,
  settingsStoreOptions,
  type StoredSettings,
} from '../../main/app/settings-store';

/** What electron-store does with these options, minus Electron's paths. */
function open(cwd: string, projectVersion = '0.1.0') {
  const { name, ...options } = settingsStoreOptions();
  const conf = new Conf<StoredSettings>({
    ...(options as ConstructorParameters<typeof Conf<StoredSettings>>[0]),
    configName: name ?? 'config',
    cwd,
    projectVersion,
  });
  return { conf, store: createSettingsStore(conf) };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ocb-settings-'));
const readFile = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;

describe('settings store', () => {
  it('starts with the defaults', () => {
    expect(open(tmp()).store.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('saves and reads back', () => {
    const dir = tmp();
    const next = { ...DEFAULT_SETTINGS, allowedUserIds: [7], opencodePort: 5000 };
    open(dir).store.save(next);
    expect(open(dir).store.get()).toEqual(next);
  });

  it('migrates a preview-build file: text allowlist → ids, too-fast edit interval raised', () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        allowedUsers: '123, 456,abc, 123',
        editIntervalMs: 100,
        opencodePort: 4100,
        __internal__: { migrations: { version: '0.0.9' } },
      }),
    );
    const { store } = open(dir);
    expect(store.get()).toMatchObject({
      allowedUserIds: [123, 456],
      editIntervalMs: 250,
      opencodePort: 4100,
    });
    const onDisk = readFile(dir);
    expect(onDisk).not.toHaveProperty('allowedUsers');
    expect(onDisk['allowedUserIds']).toEqual([123, 456]);
    expect(onDisk['__internal__']).toEqual({ migrations: { version: '0.1.0' } });
    // Re-opening (migration already recorded) keeps the migrated values.
    expect(open(dir).store.get().allowedUserIds).toEqual([123, 456]);
  });

  it('falls back to the default for one bad hand-edited field only', () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({ allowedUserIds: [9], opencodeBinary: 'relative/path' }),
    );
    expect(open(dir).store.get()).toEqual({ ...DEFAULT_SETTINGS, allowedUserIds: [9] });
  });

  it('keeps the voice settings, and drops a hand-edited cleartext endpoint alone', () => {
    const dir = tmp();
    const { store } = open(dir);
    store.save({
      ...DEFAULT_SETTINGS,
      allowedUserIds: [42],
      transcribeUrl: 'http://127.0.0.1:8080/v1',
      transcribeLanguage: 'en',
    });
    expect(store.get()).toMatchObject({
      transcribeUrl: 'http://127.0.0.1:8080/v1',
      transcribeModel: 'whisper-1',
      transcribeLanguage: 'en',
    });
    const file = readFile(dir);
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({ ...file, transcribeUrl: 'http://192.168.1.9:8080/v1' }),
    );
    expect(open(dir).store.get()).toMatchObject({
      allowedUserIds: [42],
      transcribeUrl: '',
      transcribeLanguage: 'en',
    });
  });

  it('refuses to save invalid settings', () => {
    expect(() => open(tmp()).store.save({ ...DEFAULT_SETTINGS, opencodePort: 22 })).toThrow(/Port/);
    // A user id where a group id belongs: group ids are negative.
    expect(() => open(tmp()).store.save({ ...DEFAULT_SETTINGS, allowedChatIds: [4242] })).toThrow(
      /Not a group id: 4242/,
    );
  });

  it('keeps the allowed groups; a file from before them allows private chats only', () => {
    const dir = tmp();
    const next = { ...DEFAULT_SETTINGS, allowedUserIds: [7], allowedChatIds: [-1001234567890] };
    open(dir).store.save(next);
    expect(readFile(dir)['allowedChatIds']).toEqual([-1001234567890]);
    expect(open(dir).store.get()).toEqual(next);

    const older = tmp();
    writeFileSync(path.join(older, 'settings.json'), JSON.stringify({ allowedUserIds: [7] }));
    expect(open(older).store.get().allowedChatIds).toEqual([]);
    // A hand-edited positive id falls back to no groups, the rest is kept.
    writeFileSync(
      path.join(older, 'settings.json'),
      JSON.stringify({ allowedUserIds: [7], allowedChatIds: [-5, 12] }),
    );
    expect(open(older).store.get()).toEqual({ ...DEFAULT_SETTINGS, allowedUserIds: [7] });
  });
});
