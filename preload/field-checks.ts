// Per-field checks of the settings, each on one value: the window runs them as a field is typed,
// checkPublicSettings (settings-validation.ts) runs them all on what crosses IPC. Pure, no electron
// import.
import { cleartextAttachProblem } from '../main/core/attach-url';
import type { LogLevel } from '../main/core/status';
import {
  DEFAULT_TRANSCRIBE_MODEL,
  checkTranscribeLanguage,
  checkTranscribeModel,
  checkTranscribeUrl,
} from '../main/core/voice/transcribe-settings';
import type { AwayNotify, OpencodeMode, SecretName } from './ipc-contract';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

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

// ---- Away mode ----------------------------------------------------------------------------

export const AWAY_IDLE_MIN_MINUTES = 1;
export const AWAY_IDLE_MAX_MINUTES = 240;

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
