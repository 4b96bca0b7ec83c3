import { describe, expect, it } from 'vitest';
import { defaultStateDir, settingsFromEnv } from '../../main/core/config';

const base = { platform: 'linux' as const, homeDir: '/home/ada', cwd: '/work/project' };
const env = (vars: Record<string, string>) => ({ ...base, env: vars });
const valid = { TELEGRAM_BOT_TOKEN: '123:TEST', TELEGRAM_ALLOWED_USERS: '42' };

describe('settingsFromEnv', () => {
  it('fills documented defaults', () => {
    const s = settingsFromEnv(env(valid));
    expect(s).toMatchObject({
      telegramBotToken: '123:TEST',
      allowedUserIds: [42],
      allowedChatIds: [],
      telegramApiRoot: 'https://api.telegram.org',
      opencodeUrl: undefined,
      opencodePort: 4096,
      opencodeUsername: 'opencode',
      opencodePassword: undefined,
      defaultProject: '/work/project',
      stateDir: '/home/ada/.config/OpenCode Bridge',
      editIntervalMs: 1000,
    });
  });

  it('reads every variable', () => {
    const s = settingsFromEnv(
      env({
        ...valid,
        TELEGRAM_ALLOWED_USERS: ' 42, 7 ,42',
        TELEGRAM_ALLOWED_CHATS: '-1001234567890, -123456789,-1001234567890',
        TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/',
        OPENCODE_URL: 'http://127.0.0.1:4097',
        OPENCODE_SERVER_USERNAME: 'me',
        OPENCODE_SERVER_PASSWORD: 'pw-1234',
        BRIDGE_DEFAULT_PROJECT: '../other',
        BRIDGE_STATE_DIR: 'state',
        BRIDGE_EDIT_INTERVAL_MS: '1500',
      }),
    );
    expect(s).toMatchObject({
      allowedUserIds: [42, 7],
      allowedChatIds: [-1001234567890, -123456789],
      telegramApiRoot: 'http://127.0.0.1:9000',
      opencodeUrl: 'http://127.0.0.1:4097',
      opencodeUsername: 'me',
      opencodePassword: 'pw-1234',
      defaultProject: '/work/other',
      stateDir: '/work/project/state',
      editIntervalMs: 1500,
    });
  });

  it.each([
    [{ TELEGRAM_ALLOWED_USERS: '42' }, /TELEGRAM_BOT_TOKEN is not set/],
    [{ TELEGRAM_BOT_TOKEN: '123:TEST' }, /TELEGRAM_ALLOWED_USERS is not set/],
    [{ ...valid, TELEGRAM_ALLOWED_USERS: '42,@ada' }, /not a user id: "@ada"/],
    [{ ...valid, TELEGRAM_ALLOWED_USERS: '-5' }, /not a user id: "-5"/],
    [{ ...valid, TELEGRAM_ALLOWED_CHATS: '-100123,@team' }, /not a group id: "@team"\./],
    [{ ...valid, TELEGRAM_ALLOWED_CHATS: '-100123;-100456' }, /not a group id: "-100123;-100456"/],
    [{ ...valid, TELEGRAM_ALLOWED_CHATS: '-0, -' }, /not a group id: "-0", "-"/],
    [{ ...valid, TELEGRAM_ALLOWED_CHATS: '-99999999999999999' }, /not a group id/],
    [{ ...valid, TELEGRAM_ALLOWED_CHATS: '-100123,,' }, /not a group id: "", ""/],
    [
      { ...valid, TELEGRAM_ALLOWED_CHATS: '4242' },
      /must be comma-separated group chat ids, which are negative.*user ids go in TELEGRAM_ALLOWED_USERS/,
    ],
    [{ ...valid, BRIDGE_EDIT_INTERVAL_MS: 'fast' }, /BRIDGE_EDIT_INTERVAL_MS/],
    [{ ...valid, OPENCODE_URL: 'ftp://x' }, /OPENCODE_URL must be an http/],
    [{ ...valid, OPENCODE_URL: 'http://u:secret@127.0.0.1:1' }, /must not contain credentials/],
  ])('refuses %o with a message saying what to set', (vars, message) => {
    expect(() => settingsFromEnv(env(vars))).toThrow(message);
  });

  it.each([
    'http://192.168.1.5:4096',
    'http://opencode.example.com',
    'http://[fe80::1]:4096',
    'http://127.0.0.1.example.com:4096',
    'http://localhost.example.com:4096',
  ])('refuses to attach to %s: the password would travel in clear', (url) => {
    expect(() => settingsFromEnv(env({ ...valid, OPENCODE_URL: url }))).toThrow(
      /^OPENCODE_URL: .* is neither https nor this machine .*the OpenCode password would travel in clear/,
    );
  });

  it.each([
    'https://opencode.example.com',
    'http://localhost:4096',
    'http://127.0.0.2:4096',
    'http://[::1]:4096',
  ])('attaches to %s (https or loopback)', (url) => {
    expect(settingsFromEnv(env({ ...valid, OPENCODE_URL: url })).opencodeUrl).toBe(url);
  });

  it('allows no group when TELEGRAM_ALLOWED_CHATS is unset or blank', () => {
    expect(settingsFromEnv(env({ ...valid, TELEGRAM_ALLOWED_CHATS: '  ' })).allowedChatIds).toEqual(
      [],
    );
  });

  it('never repeats a secret in its errors', () => {
    expect(() =>
      settingsFromEnv(env({ ...valid, OPENCODE_URL: 'http://u:hunter22@127.0.0.1:1' })),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter22') }));
  });
});

describe('defaultStateDir', () => {
  it('uses the OS app-data folder', () => {
    expect(defaultStateDir({ platform: 'darwin', homeDir: '/Users/ada', env: {} })).toBe(
      '/Users/ada/Library/Application Support/OpenCode Bridge',
    );
    expect(
      defaultStateDir({ platform: 'linux', homeDir: '/h', env: { XDG_CONFIG_HOME: '/x' } }),
    ).toBe('/x/OpenCode Bridge');
  });
});

describe('desk sessions on the phone (BRIDGE_NOTIFY, BRIDGE_NOTIFY_MIN_TURN_S, BRIDGE_HOME_CHAT)', () => {
  it('defaults: everything, turns of 30 s or more, each user’s private chat', () => {
    expect(settingsFromEnv(env(valid))).toMatchObject({
      notify: 'all',
      notifyMinTurnMs: 30_000,
      homeChatId: undefined,
    });
  });

  it('reads them', () => {
    const s = settingsFromEnv(
      env({
        ...valid,
        BRIDGE_NOTIFY: 'Prompts',
        BRIDGE_NOTIFY_MIN_TURN_S: '2',
        BRIDGE_HOME_CHAT: '-1001234567890',
        TELEGRAM_ALLOWED_CHATS: '-1001234567890',
      }),
    );
    expect(s).toMatchObject({
      notify: 'prompts',
      notifyMinTurnMs: 2000,
      homeChatId: -1001234567890,
    });
    expect(settingsFromEnv(env({ ...valid, BRIDGE_HOME_CHAT: '42' })).homeChatId).toBe(42);
  });

  it.each([
    [{ BRIDGE_NOTIFY: 'loud' }, /BRIDGE_NOTIFY must be all, prompts or followed/],
    [{ BRIDGE_NOTIFY_MIN_TURN_S: '-1' }, /BRIDGE_NOTIFY_MIN_TURN_S must be a whole number/],
    [{ BRIDGE_NOTIFY_MIN_TURN_S: '1.5' }, /BRIDGE_NOTIFY_MIN_TURN_S/],
    [{ BRIDGE_HOME_CHAT: '@mychannel' }, /BRIDGE_HOME_CHAT must be a numeric chat id/],
    [{ BRIDGE_HOME_CHAT: '77' }, /must be one of TELEGRAM_ALLOWED_USERS/],
    [{ BRIDGE_HOME_CHAT: '-1001234567890' }, /must also be listed in TELEGRAM_ALLOWED_CHATS/],
  ])('refuses %o', (vars, message) => {
    expect(() => settingsFromEnv(env({ ...valid, ...vars }))).toThrow(message);
  });
});

describe('delivery path (BRIDGE_STREAMING, BRIDGE_RICH)', () => {
  it('defaults to drafts and rich messages', () => {
    expect(settingsFromEnv(env(valid))).toMatchObject({ streaming: 'draft', rich: true });
  });

  it('reads them', () => {
    expect(
      settingsFromEnv(env({ ...valid, BRIDGE_STREAMING: 'Edit', BRIDGE_RICH: 'off' })),
    ).toMatchObject({ streaming: 'edit', rich: false });
  });

  it.each([
    [{ BRIDGE_STREAMING: 'fast' }, /BRIDGE_STREAMING must be draft or edit/],
    [{ BRIDGE_RICH: 'yes' }, /BRIDGE_RICH must be on or off/],
  ])('refuses %o', (vars, message) => {
    expect(() => settingsFromEnv(env({ ...valid, ...vars }))).toThrow(message);
  });
});
