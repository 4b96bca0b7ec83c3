// Reads the headless bridge's configuration from the environment. Pure: the environment, the
// platform and the folders are passed in, so every rule is testable without touching process.env.
import path from 'node:path';
import { cleartextAttachProblem } from './attach-url';
import type { BridgeSettings, StreamingMode } from './bridge-api';
import { ConfigError } from './errors';
import { DEFAULT_NOTIFY_MIN_TURN_S, NOTIFY_DEFAULTS, type NotifyDefault } from './away/notify-mode';
import { transcriptionFromEnv, voiceMaxSecondsFromEnv } from './voice/transcribe-config';

export const DEFAULT_OPENCODE_PORT = 4096;
export const DEFAULT_EDIT_INTERVAL_MS = 1000;
export const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';
export const APP_FOLDER_NAME = 'OpenCode Bridge';

export interface ConfigContext {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homeDir: string;
  cwd: string;
}

export function settingsFromEnv(ctx: ConfigContext): BridgeSettings {
  const env = ctx.env;
  const token = nonEmpty(env['TELEGRAM_BOT_TOKEN']);
  if (!token) {
    throw new ConfigError(
      'TELEGRAM_BOT_TOKEN is not set: set it to the token @BotFather gave your bot.',
    );
  }
  const allowedUserIds = parseAllowedUsers(env['TELEGRAM_ALLOWED_USERS']);
  const allowedChatIds = parseAllowedChats(env['TELEGRAM_ALLOWED_CHATS']);
  return {
    telegramBotToken: token,
    allowedUserIds,
    allowedChatIds,
    telegramApiRoot: parseUrl(
      'TELEGRAM_API_ROOT',
      env['TELEGRAM_API_ROOT'],
      DEFAULT_TELEGRAM_API_ROOT,
    ),
    opencodeUrl: nonEmpty(env['OPENCODE_URL']) ? parseAttachUrl(env['OPENCODE_URL']) : undefined,
    opencodePort: parsePort(env['OPENCODE_PORT']),
    opencodeUsername: nonEmpty(env['OPENCODE_SERVER_USERNAME']) ?? 'opencode',
    opencodePassword: nonEmpty(env['OPENCODE_SERVER_PASSWORD']),
    opencodeBinary: nonEmpty(env['OPENCODE_BIN']),
    defaultProject: path.resolve(ctx.cwd, nonEmpty(env['BRIDGE_DEFAULT_PROJECT']) ?? '.'),
    extraProjects: (nonEmpty(env['BRIDGE_PROJECTS']) ?? '')
      .split(path.delimiter)
      .filter((p) => p.trim())
      .map((p) => path.resolve(ctx.cwd, p.trim())),
    stateDir: nonEmpty(env['BRIDGE_STATE_DIR'])
      ? path.resolve(ctx.cwd, env['BRIDGE_STATE_DIR'] as string)
      : defaultStateDir(ctx),
    editIntervalMs: parseInterval(env['BRIDGE_EDIT_INTERVAL_MS']),
    stalePromptMs: parseStaleAge(env['BRIDGE_STALE_PROMPT_MS']),
    ...awaySettings(env, allowedUserIds, allowedChatIds),
    transcription: transcriptionFromEnv(env),
    voiceMaxSeconds: voiceMaxSecondsFromEnv(env),
    ...streamingSettings(env),
  };
}

/** BRIDGE_STREAMING and BRIDGE_RICH: force a delivery path (defaults: draft, on). */
export function streamingSettings(env: ConfigContext['env']): {
  streaming: StreamingMode;
  rich: boolean;
} {
  const streaming = (nonEmpty(env['BRIDGE_STREAMING']) ?? 'draft').toLowerCase();
  if (streaming !== 'draft' && streaming !== 'edit') {
    throw new ConfigError(
      `BRIDGE_STREAMING must be draft or edit, not ${JSON.stringify(env['BRIDGE_STREAMING'])}.`,
    );
  }
  const rich = (nonEmpty(env['BRIDGE_RICH']) ?? 'on').toLowerCase();
  if (rich !== 'on' && rich !== 'off') {
    throw new ConfigError(
      `BRIDGE_RICH must be on or off, not ${JSON.stringify(env['BRIDGE_RICH'])}.`,
    );
  }
  return { streaming, rich: rich === 'on' };
}

/** BRIDGE_NOTIFY, BRIDGE_NOTIFY_MIN_TURN_S, BRIDGE_HOME_CHAT: sessions no chat follows. */
function awaySettings(
  env: ConfigContext['env'],
  allowedUserIds: readonly number[],
  allowedChatIds: readonly number[],
): { notify: NotifyDefault; notifyMinTurnMs: number; homeChatId: number | undefined } {
  const notify = (nonEmpty(env['BRIDGE_NOTIFY']) ?? 'all').toLowerCase();
  if (!(NOTIFY_DEFAULTS as readonly string[]).includes(notify)) {
    throw new ConfigError(
      `BRIDGE_NOTIFY must be all, prompts or followed, not ${JSON.stringify(env['BRIDGE_NOTIFY'])}.`,
    );
  }
  const minRaw = nonEmpty(env['BRIDGE_NOTIFY_MIN_TURN_S']);
  const minTurnS = minRaw === undefined ? DEFAULT_NOTIFY_MIN_TURN_S : Number(minRaw);
  if (!/^\d{1,5}$/.test(minRaw ?? '0') || minTurnS > 86_400) {
    throw new ConfigError(
      `BRIDGE_NOTIFY_MIN_TURN_S must be a whole number of seconds from 0 to 86400, not ${JSON.stringify(minRaw)}.`,
    );
  }
  const home = nonEmpty(env['BRIDGE_HOME_CHAT']);
  if (home !== undefined && !/^-?[1-9][0-9]{0,15}$/.test(home)) {
    throw new ConfigError(
      `BRIDGE_HOME_CHAT must be a numeric chat id (a user id, or a group's -100… id), not ${JSON.stringify(home)}.`,
    );
  }
  const homeChatId = home === undefined ? undefined : Number(home);
  // A private home chat is one of the allowed users' own. A group id (negative) is a forum group
  // that must also be among the allowed groups, so only allowed people read what it shows.
  if (homeChatId !== undefined && homeChatId > 0 && !allowedUserIds.includes(homeChatId)) {
    throw new ConfigError(
      `BRIDGE_HOME_CHAT ${homeChatId} is a private chat, so it must be one of TELEGRAM_ALLOWED_USERS.`,
    );
  }
  if (homeChatId !== undefined && homeChatId < 0 && !allowedChatIds.includes(homeChatId)) {
    throw new ConfigError(
      `BRIDGE_HOME_CHAT ${homeChatId} is a group, so it must also be listed in TELEGRAM_ALLOWED_CHATS.`,
    );
  }
  return { notify: notify as NotifyDefault, notifyMinTurnMs: minTurnS * 1000, homeChatId };
}

export function parseAllowedUsers(raw: string | undefined): number[] {
  const value = nonEmpty(raw);
  if (!value) {
    throw new ConfigError(
      'TELEGRAM_ALLOWED_USERS is not set: set it to your numeric Telegram user id ' +
        '(several: comma-separated; @userinfobot tells you yours).',
    );
  }
  const ids = value.split(',').map((part) => part.trim());
  const bad = ids.filter((id) => !/^[1-9][0-9]{0,15}$/.test(id));
  if (bad.length > 0) {
    throw new ConfigError(
      `TELEGRAM_ALLOWED_USERS must be comma-separated numeric Telegram user ids; ` +
        `not a user id: ${bad.map((b) => JSON.stringify(b)).join(', ')}.`,
    );
  }
  return [...new Set(ids.map(Number))];
}

/** Optional: group ids are negative (-1001234567890 for supergroups, -123456789 for old groups). */
export function parseAllowedChats(raw: string | undefined): number[] {
  const value = nonEmpty(raw);
  if (!value) return [];
  const ids = value.split(',').map((part) => part.trim());
  const bad = ids.filter((id) => !/^-[1-9][0-9]{0,15}$/.test(id) || !Number.isSafeInteger(+id));
  if (bad.length > 0) {
    const users = bad.filter((id) => /^[1-9][0-9]*$/.test(id)).length > 0;
    throw new ConfigError(
      `TELEGRAM_ALLOWED_CHATS must be comma-separated group chat ids, which are negative ` +
        `(like -1001234567890; the bridge logs the id of a group it leaves); ` +
        `not a group id: ${bad.map((b) => JSON.stringify(b)).join(', ')}.` +
        (users ? ' Private chats need no entry: user ids go in TELEGRAM_ALLOWED_USERS.' : ''),
    );
  }
  return [...new Set(ids.map(Number))];
}

function parsePort(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_OPENCODE_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65_535) {
    throw new ConfigError(
      `OPENCODE_PORT must be a port number from 1024 to 65535, not ${JSON.stringify(value)}.`,
    );
  }
  return port;
}

function parseStaleAge(raw: string | undefined): number | undefined {
  const value = nonEmpty(raw);
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000) {
    throw new ConfigError(
      `BRIDGE_STALE_PROMPT_MS must be a whole number of milliseconds, at least 1000, not ${JSON.stringify(value)}.`,
    );
  }
  return ms;
}

function parseInterval(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_EDIT_INTERVAL_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) {
    throw new ConfigError(
      `BRIDGE_EDIT_INTERVAL_MS must be a whole number of milliseconds from 100 to 60000, not ${JSON.stringify(value)}.`,
    );
  }
  return ms;
}

function parseUrl(name: string, raw: string | undefined, fallback: string): string {
  const value = nonEmpty(raw) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, not ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, not ${JSON.stringify(value)}.`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      `${name} must not contain credentials; use OPENCODE_SERVER_USERNAME/OPENCODE_SERVER_PASSWORD.`,
    );
  }
  return value.replace(/\/+$/, '');
}

function parseAttachUrl(raw: string | undefined): string {
  const value = parseUrl('OPENCODE_URL', raw, '');
  const problem = cleartextAttachProblem(new URL(value));
  if (problem) throw new ConfigError(`OPENCODE_URL: ${problem}`);
  return value;
}

/** Where the OS keeps an app's data: the same folder the menu-bar app uses. */
export function defaultStateDir(ctx: Pick<ConfigContext, 'env' | 'platform' | 'homeDir'>): string {
  if (ctx.platform === 'darwin') {
    return path.join(ctx.homeDir, 'Library', 'Application Support', APP_FOLDER_NAME);
  }
  if (ctx.platform === 'win32') {
    return path.join(
      ctx.env['APPDATA'] ?? path.join(ctx.homeDir, 'AppData', 'Roaming'),
      APP_FOLDER_NAME,
    );
  }
  return path.join(
    ctx.env['XDG_CONFIG_HOME'] ?? path.join(ctx.homeDir, '.config'),
    APP_FOLDER_NAME,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
