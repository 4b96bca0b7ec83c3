// Hand-written validators shared by the window (to explain a bad field where it is typed) and the
// main process (which trusts nothing that crosses IPC). Pure, no electron import.
import { cleartextAttachProblem } from '../main/core/attach-url';
import type { LogLevel } from '../main/core/status';
import {
  DEFAULT_TRANSCRIBE_MODEL,
  checkTranscribeLanguage,
  checkTranscribeModel,
  checkTranscribeUrl,
} from '../main/core/voice/transcribe-settings';
import type {
  AwayNotify,
  OpencodeMode,
  PublicSettings,
  SecretName,
  SetSecretRequest,
} from './ipc-contract';
import { checkDeliverySettings, DELIVERY_KEYS } from './delivery-settings';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
export type SettingsField = keyof PublicSettings;
export type CheckedSettings =
  | { ok: true; value: PublicSettings }
  | { ok: false; error: string; field: SettingsField | undefined };

export const PORT_MIN = 1024;
export const PORT_MAX = 65535;
export const EDIT_INTERVAL_MIN_MS = 250;
export const EDIT_INTERVAL_MAX_MS = 60_000;
const MAX_TEXT = 4096;
const MAX_USER_IDS = 50;
const MAX_CHAT_IDS = 50;

export const USER_IDS_HINT =
  'Numeric Telegram user ids, comma-separated. To find yours, message @userinfobot on Telegram.';

export const CHAT_IDS_HINT =
  'Group ids, comma-separated (they start with a minus: -1001234567890). Empty: private chats only. ' +
  'The bot leaves any other group and logs its id.';

/** "-1001234567890, -4567" → the ids of the groups where the bot works; empty is allowed. */
export function parseChatIds(text: string): Checked<number[]> {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const bad = parts.filter((p) => !/^-[1-9][0-9]{0,15}$/.test(p));
  if (bad.length > 0) {
    return {
      ok: false,
      error: `Not a group id: ${bad.map((b) => `"${b}"`).join(', ')}. Group ids are negative whole numbers, like -1001234567890.`,
    };
  }
  return checkChatIds(parts.map(Number));
}

export function checkChatIds(ids: unknown): Checked<number[]> {
  if (!Array.isArray(ids)) return { ok: false, error: 'Group ids must be a list.' };
  if (ids.length > MAX_CHAT_IDS) return { ok: false, error: `At most ${MAX_CHAT_IDS} group ids.` };
  for (const id of ids as unknown[]) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id >= 0) {
      return { ok: false, error: `Not a group id: ${String(id)}. Group ids are negative.` };
    }
  }
  return { ok: true, value: [...new Set(ids as number[])] };
}

/** "123, 456" → [123, 456]. Telegram user ids are positive integers (up to 2^52 or so). */
export function parseUserIds(text: string): Checked<number[]> {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, error: 'Enter at least one Telegram user id.' };
  const bad = parts.filter((p) => !/^[1-9][0-9]{0,15}$/.test(p));
  if (bad.length > 0) {
    return {
      ok: false,
      error: `Not a user id: ${bad.map((b) => `"${b}"`).join(', ')}. Use positive whole numbers, comma-separated.`,
    };
  }
  return checkUserIds(parts.map(Number));
}

export function checkUserIds(ids: unknown): Checked<number[]> {
  if (!Array.isArray(ids)) return { ok: false, error: 'User ids must be a list.' };
  if (ids.length > MAX_USER_IDS) return { ok: false, error: `At most ${MAX_USER_IDS} user ids.` };
  for (const id of ids as unknown[]) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
      return { ok: false, error: `Not a user id: ${String(id)}. Use positive whole numbers.` };
    }
  }
  return { ok: true, value: [...new Set(ids as number[])] };
}

export function checkPort(port: unknown): Checked<number> {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < PORT_MIN || port > PORT_MAX) {
    return { ok: false, error: `Port must be a whole number from ${PORT_MIN} to ${PORT_MAX}.` };
  }
  return { ok: true, value: port };
}

export function checkEditInterval(ms: unknown): Checked<number> {
  if (
    typeof ms !== 'number' ||
    !Number.isInteger(ms) ||
    ms < EDIT_INTERVAL_MIN_MS ||
    ms > EDIT_INTERVAL_MAX_MS
  ) {
    return {
      ok: false,
      error: `Edit interval must be a whole number of milliseconds from ${EDIT_INTERVAL_MIN_MS} to ${EDIT_INTERVAL_MAX_MS}.`,
    };
  }
  return { ok: true, value: ms };
}

/**
 * An http(s) URL without credentials (the password is a separate secret), https or loopback (the
 * password must not travel in clear). Empty is allowed.
 */
export function checkOpencodeUrl(url: unknown): Checked<string> {
  if (typeof url !== 'string' || url.length > MAX_TEXT) {
    return { ok: false, error: 'URL must be text.' };
  }
  const trimmed = url.trim();
  if (trimmed === '') return { ok: true, value: '' };
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { ok: false, error: 'Not a URL. Example: http://127.0.0.1:4096' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, error: 'The URL must start with http:// or https://.' };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, error: 'Leave the password out of the URL; save it as the password.' };
  }
  const problem = cleartextAttachProblem(parsed);
  if (problem) return { ok: false, error: problem };
  return { ok: true, value: trimmed.replace(/\/+$/, '') };
}

/** A path or empty; absolute when given, so it means the same thing from any working folder. */
export function checkPath(value: unknown, what: string): Checked<string> {
  if (typeof value !== 'string' || value.length > MAX_TEXT || value.includes('\0')) {
    return { ok: false, error: `${what} must be text.` };
  }
  const trimmed = value.trim();
  if (trimmed !== '' && !trimmed.startsWith('/') && !trimmed.startsWith('~/')) {
    return { ok: false, error: `${what} must be a full path, starting with / or ~/.` };
  }
  return { ok: true, value: trimmed };
}

export function isOpencodeMode(value: unknown): value is OpencodeMode {
  return value === 'launch' || value === 'attach';
}

export function isSecretName(value: unknown): value is SecretName {
  return value === 'telegramBotToken' || value === 'opencodePassword' || value === 'transcribeKey';
}

export function isLogLevel(value: unknown): value is LogLevel {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SETTINGS_KEYS: readonly SettingsField[] = [
  'allowedUserIds',
  'allowedChatIds',
  'opencodeMode',
  'opencodeUrl',
  'opencodePort',
  'opencodeBinary',
  'defaultProject',
  'editIntervalMs',
  'transcribeUrl',
  'transcribeModel',
  'transcribeLanguage',
];

// ---- Away mode ----------------------------------------------------------------------------

export const AWAY_IDLE_MIN_MINUTES = 1;
export const AWAY_IDLE_MAX_MINUTES = 240;
const AWAY_KEYS = ['awayNotify', 'awayIdleMinutes'] as const satisfies readonly SettingsField[];

export function isAwayNotify(value: unknown): value is AwayNotify {
  return value === 'away' || value === 'always' || value === 'never';
}

export function checkAwayIdleMinutes(minutes: unknown): Checked<number> {
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < AWAY_IDLE_MIN_MINUTES ||
    minutes > AWAY_IDLE_MAX_MINUTES
  ) {
    return {
      ok: false,
      error: `Idle minutes must be a whole number from ${AWAY_IDLE_MIN_MINUTES} to ${AWAY_IDLE_MAX_MINUTES}.`,
    };
  }
  return { ok: true, value: minutes };
}

type AwaySettings = Pick<PublicSettings, (typeof AWAY_KEYS)[number]>;

function checkAwaySettings(
  input: Record<string, unknown>,
): { ok: true; value: AwaySettings } | { ok: false; error: string; field: SettingsField } {
  const mode = input['awayNotify'];
  if (!isAwayNotify(mode)) {
    return { ok: false, error: 'Choose when desk sessions reach the phone.', field: 'awayNotify' };
  }
  const minutes = checkAwayIdleMinutes(input['awayIdleMinutes']);
  if (!minutes.ok) return { ...minutes, field: 'awayIdleMinutes' };
  return { ok: true, value: { awayNotify: mode, awayIdleMinutes: minutes.value } };
}

/** The whole settings object, exactly these keys; the first problem wins. */
export function checkPublicSettings(input: unknown): CheckedSettings {
  if (!isRecord(input))
    return { ok: false, error: 'Settings must be an object.', field: undefined };
  const known: readonly string[] = [...SETTINGS_KEYS, ...AWAY_KEYS, ...DELIVERY_KEYS];
  const extra = Object.keys(input).filter((k) => !known.includes(k));
  if (extra.length > 0) {
    return { ok: false, error: `Unknown setting: ${extra.join(', ')}.`, field: undefined };
  }
  const ids = checkUserIds(input['allowedUserIds']);
  if (!ids.ok) return { ...ids, field: 'allowedUserIds' };
  const chats = checkChatIds(input['allowedChatIds']);
  if (!chats.ok) return { ...chats, field: 'allowedChatIds' };
  const mode = input['opencodeMode'];
  if (!isOpencodeMode(mode)) {
    return { ok: false, error: 'OpenCode mode must be launch or attach.', field: 'opencodeMode' };
  }
  const url = checkOpencodeUrl(input['opencodeUrl']);
  if (!url.ok) return { ...url, field: 'opencodeUrl' };
  if (mode === 'attach' && url.value === '') {
    return {
      ok: false,
      error: 'Enter the URL of the running OpenCode server.',
      field: 'opencodeUrl',
    };
  }
  const port = checkPort(input['opencodePort']);
  if (!port.ok) return { ...port, field: 'opencodePort' };
  const binary = checkPath(input['opencodeBinary'], 'The opencode binary');
  if (!binary.ok) return { ...binary, field: 'opencodeBinary' };
  const project = checkPath(input['defaultProject'], 'The project folder');
  if (!project.ok) return { ...project, field: 'defaultProject' };
  const interval = checkEditInterval(input['editIntervalMs']);
  if (!interval.ok) return { ...interval, field: 'editIntervalMs' };
  const away = checkAwaySettings(input);
  if (!away.ok) return away;
  const voice = checkVoiceSettings(input);
  if (!voice.ok) return voice;
  const delivery = checkDeliverySettings(input);
  if (!delivery.ok) return delivery;
  return {
    ok: true,
    value: {
      ...away.value,
      ...delivery.value,
      allowedUserIds: ids.value,
      allowedChatIds: chats.value,
      opencodeMode: mode,
      opencodeUrl: url.value,
      opencodePort: port.value,
      opencodeBinary: binary.value,
      defaultProject: project.value,
      editIntervalMs: interval.value,
      ...voice.value,
    },
  };
}

type VoiceSettings = Pick<
  PublicSettings,
  'transcribeUrl' | 'transcribeModel' | 'transcribeLanguage'
>;

/** Empty URL: voice off. The same rules as BRIDGE_TRANSCRIBE_* (https or loopback, no query). */
export function checkTranscribeUrlSetting(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    return { ok: false, error: 'URL must be text.' };
  }
  if (value.trim() === '') return { ok: true, value: '' };
  const checked = checkTranscribeUrl(value);
  return checked.ok ? checked : { ok: false, error: `The transcription URL ${checked.error}` };
}

/** Empty: whisper-1. */
export function checkTranscribeModelSetting(value: unknown): Checked<string> {
  if (typeof value !== 'string') return { ok: false, error: 'The model must be text.' };
  if (value.trim() === '') return { ok: true, value: DEFAULT_TRANSCRIBE_MODEL };
  const checked = checkTranscribeModel(value);
  return checked.ok ? checked : { ok: false, error: `The model ${checked.error}` };
}

/** Empty: detected by the endpoint. */
export function checkTranscribeLanguageSetting(value: unknown): Checked<string> {
  if (typeof value !== 'string') return { ok: false, error: 'The language must be text.' };
  if (value.trim() === '') return { ok: true, value: '' };
  const checked = checkTranscribeLanguage(value);
  return checked.ok ? checked : { ok: false, error: `The language ${checked.error}` };
}

function checkVoiceSettings(
  input: Record<string, unknown>,
): { ok: true; value: VoiceSettings } | { ok: false; error: string; field: SettingsField } {
  const url = checkTranscribeUrlSetting(input['transcribeUrl']);
  if (!url.ok) return { ...url, field: 'transcribeUrl' };
  const model = checkTranscribeModelSetting(input['transcribeModel']);
  if (!model.ok) return { ...model, field: 'transcribeModel' };
  const language = checkTranscribeLanguageSetting(input['transcribeLanguage']);
  if (!language.ok) return { ...language, field: 'transcribeLanguage' };
  return {
    ok: true,
    value: {
      transcribeUrl: url.value,
      transcribeModel: model.value,
      transcribeLanguage: language.value,
    },
  };
}

/** The value is checked for shape only; the messages never echo it. */
export function checkSetSecret(input: unknown): Checked<SetSecretRequest> {
  if (!isRecord(input)) return { ok: false, error: 'Expected { name, value }.' };
  const { name, value } = input;
  if (!isSecretName(name)) return { ok: false, error: 'Unknown secret.' };
  if (typeof value !== 'string') return { ok: false, error: 'The secret must be text.' };
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, error: 'Enter a value, or use Clear.' };
  if (trimmed.length > 1024 || /[\r\n\0]/.test(trimmed)) {
    return { ok: false, error: 'That does not look like a valid value.' };
  }
  if (name === 'telegramBotToken' && !/^[0-9]{3,}:[A-Za-z0-9_-]{20,}$/.test(trimmed)) {
    return {
      ok: false,
      error: 'That is not a bot token. @BotFather gives one like 123456789:AA…',
    };
  }
  return { ok: true, value: { name, value: trimmed } };
}
