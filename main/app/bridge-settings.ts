// Pure: turns what the stores hold into the core's BridgeSettings, or says what is missing.
import type { BridgeSettings } from '../core/bridge-api';
import type { PublicSettings, SecretName } from '../../preload/ipc-contract';
import { expandHome } from './find-opencode';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';
export const OPENCODE_USERNAME = 'opencode';

/** Human-readable names of what must still be filled in; empty when the bridge can start. */
export function missingSettings(
  settings: PublicSettings,
  hasSecret: (name: SecretName) => boolean,
): string[] {
  const missing: string[] = [];
  if (!hasSecret('telegramBotToken')) missing.push('bot token');
  if (settings.allowedUserIds.length === 0) missing.push('allowed user id');
  if (settings.opencodeMode === 'attach') {
    if (settings.opencodeUrl === '') missing.push('OpenCode URL');
    if (!hasSecret('opencodePassword')) missing.push('OpenCode password');
  }
  return missing;
}

export function attachCommand(settings: PublicSettings): string {
  const url =
    settings.opencodeMode === 'attach' && settings.opencodeUrl !== ''
      ? settings.opencodeUrl
      : `http://127.0.0.1:${settings.opencodePort}`;
  return `opencode attach ${url}`;
}

export function buildBridgeSettings(input: {
  settings: PublicSettings;
  telegramBotToken: string;
  opencodePassword: string | undefined;
  transcribeKey?: string | undefined;
  /** Resolved path, or undefined to let the core search PATH. */
  opencodeBinary: string | undefined;
  stateDir: string;
  homeDir: string;
}): BridgeSettings {
  const { settings } = input;
  const attach = settings.opencodeMode === 'attach';
  return {
    telegramBotToken: input.telegramBotToken,
    allowedUserIds: [...settings.allowedUserIds],
    allowedChatIds: [...settings.allowedChatIds],
    telegramApiRoot: settings.telegramApiRoot === '' ? TELEGRAM_API_ROOT : settings.telegramApiRoot,
    streaming: settings.streaming,
    rich: settings.richMessages,
    opencodeUrl: attach ? settings.opencodeUrl : undefined,
    opencodePort: settings.opencodePort,
    opencodeUsername: OPENCODE_USERNAME,
    opencodePassword: input.opencodePassword,
    opencodeBinary: attach ? undefined : input.opencodeBinary,
    defaultProject:
      settings.defaultProject === ''
        ? input.homeDir
        : expandHome(settings.defaultProject, input.homeDir),
    stateDir: input.stateDir,
    editIntervalMs: settings.editIntervalMs,
    // "Never": only sessions a chat follows. "When I'm away" is the presence the app passes along.
    notify: settings.awayNotify === 'never' ? 'followed' : 'all',
    transcription:
      settings.transcribeUrl === ''
        ? undefined
        : {
            url: settings.transcribeUrl,
            model: settings.transcribeModel,
            key: input.transcribeKey,
            language: settings.transcribeLanguage === '' ? undefined : settings.transcribeLanguage,
          },
  };
}
