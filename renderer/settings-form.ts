// The settings form's model: the form holds text as typed; toForm fills it from the saved
// settings, validateForm turns it back into settings or per-field errors.
import type { AwayNotify, OpencodeMode, PublicSettings } from '../preload/ipc-contract';
import {
  checkAwayIdleMinutes,
  checkEditInterval,
  checkOpencodeUrl,
  checkPath,
  checkPort,
  checkPublicSettings,
  parseChatIds,
  checkTranscribeLanguageSetting,
  checkTranscribeModelSetting,
  checkTranscribeUrlSetting,
  parseUserIds,
  type SettingsField,
} from '../preload/settings-validation';
import { checkTelegramApiRoot } from '../preload/delivery-settings';

export interface Form {
  userIds: string;
  chatIds: string;
  mode: OpencodeMode;
  url: string;
  port: string;
  binary: string;
  project: string;
  interval: string;
  // Away mode
  awayNotify: AwayNotify;
  awayMinutes: string;
  voiceUrl: string;
  voiceModel: string;
  voiceLanguage: string;
  streaming: PublicSettings['streaming'];
  rich: boolean;
  apiRoot: string;
}

export type Errors = Partial<Record<SettingsField, string>>;

export const toForm = (s: PublicSettings): Form => ({
  userIds: s.allowedUserIds.join(', '),
  chatIds: s.allowedChatIds.join(', '),
  mode: s.opencodeMode,
  url: s.opencodeUrl,
  port: String(s.opencodePort),
  binary: s.opencodeBinary,
  project: s.defaultProject,
  interval: String(s.editIntervalMs),
  awayNotify: s.awayNotify,
  awayMinutes: String(s.awayIdleMinutes),
  voiceUrl: s.transcribeUrl,
  voiceModel: s.transcribeModel,
  voiceLanguage: s.transcribeLanguage,
  streaming: s.streaming,
  rich: s.richMessages,
  apiRoot: s.telegramApiRoot,
});

/** Numbers typed as text: "" and "12abc" must not become 0 or 12. */
const toNumber = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);

export function validateForm(form: Form): { settings: PublicSettings } | { errors: Errors } {
  const errors: Errors = {};
  const ids = parseUserIds(form.userIds);
  if (!ids.ok) errors.allowedUserIds = ids.error;
  const chats = parseChatIds(form.chatIds);
  if (!chats.ok) errors.allowedChatIds = chats.error;
  const url = checkOpencodeUrl(form.url);
  if (!url.ok) errors.opencodeUrl = url.error;
  else if (form.mode === 'attach' && url.value === '') {
    errors.opencodeUrl = 'Enter the URL of the running OpenCode server.';
  }
  const port = checkPort(toNumber(form.port));
  if (!port.ok) errors.opencodePort = port.error;
  const binary = checkPath(form.binary, 'The opencode binary');
  if (!binary.ok) errors.opencodeBinary = binary.error;
  const project = checkPath(form.project, 'The project folder');
  if (!project.ok) errors.defaultProject = project.error;
  const interval = checkEditInterval(toNumber(form.interval));
  if (!interval.ok) errors.editIntervalMs = interval.error;
  const awayMinutes = checkAwayIdleMinutes(toNumber(form.awayMinutes));
  if (!awayMinutes.ok) errors.awayIdleMinutes = awayMinutes.error;
  const voiceUrl = checkTranscribeUrlSetting(form.voiceUrl);
  if (!voiceUrl.ok) errors.transcribeUrl = voiceUrl.error;
  const voiceModel = checkTranscribeModelSetting(form.voiceModel);
  if (!voiceModel.ok) errors.transcribeModel = voiceModel.error;
  const voiceLanguage = checkTranscribeLanguageSetting(form.voiceLanguage);
  if (!voiceLanguage.ok) errors.transcribeLanguage = voiceLanguage.error;
  const apiRoot = checkTelegramApiRoot(form.apiRoot);
  if (!apiRoot.ok) errors.telegramApiRoot = apiRoot.error;
  if (Object.keys(errors).length > 0) return { errors };
  const checked = checkPublicSettings({
    allowedUserIds: ids.ok ? ids.value : [],
    allowedChatIds: chats.ok ? chats.value : [],
    opencodeMode: form.mode,
    opencodeUrl: url.ok ? url.value : '',
    opencodePort: port.ok ? port.value : 0,
    opencodeBinary: binary.ok ? binary.value : '',
    defaultProject: project.ok ? project.value : '',
    editIntervalMs: interval.ok ? interval.value : 0,
    awayNotify: form.awayNotify,
    awayIdleMinutes: awayMinutes.ok ? awayMinutes.value : 0,
    transcribeUrl: voiceUrl.ok ? voiceUrl.value : '',
    transcribeModel: voiceModel.ok ? voiceModel.value : '',
    transcribeLanguage: voiceLanguage.ok ? voiceLanguage.value : '',
    streaming: form.streaming,
    richMessages: form.rich,
    telegramApiRoot: apiRoot.ok ? apiRoot.value : '',
  });
  if (!checked.ok) return { errors: { [checked.field ?? 'allowedUserIds']: checked.error } };
  return { settings: checked.value };
}
