// Hand-written validators shared by the window (to explain a bad field where it is typed) and the
// main process (which trusts nothing that crosses IPC). Pure, no electron import. Here: the whole
// settings object and the secret request; the per-field checks are in field-checks.ts.
import type { PublicSettings, SetSecretRequest } from './ipc-contract';
import { checkDeliverySettings, DELIVERY_KEYS } from './delivery-settings';
import {
  checkAwayIdleMinutes,
  checkChatIds,
  checkEditInterval,
  checkOpencodeUrl,
  checkPath,
  checkPort,
  checkTranscribeLanguageSetting,
  checkTranscribeModelSetting,
  checkTranscribeUrlSetting,
  checkUserIds,
  isAwayNotify,
  isOpencodeMode,
  isSecretName,
  type Checked,
} from './field-checks';

// The per-field checks keep their old import path: callers import everything from here.
export * from './field-checks';

export type SettingsField = keyof PublicSettings;
export type CheckedSettings =
  | { ok: true; value: PublicSettings }
  | { ok: false; error: string; field: SettingsField | undefined };

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

const AWAY_KEYS = ['awayNotify', 'awayIdleMinutes'] as const satisfies readonly SettingsField[];

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
