import { useEffect, useState, type FormEvent } from 'react';
import type { AppState, AwayNotify, OpencodeMode, PublicSettings } from '../preload/ipc-contract';
import {
  AWAY_IDLE_MAX_MINUTES,
  AWAY_IDLE_MIN_MINUTES,
  EDIT_INTERVAL_MIN_MS,
  PORT_MAX,
  PORT_MIN,
  CHAT_IDS_HINT,
  USER_IDS_HINT,
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
import { Field } from './Field';
import { SecretField } from './SecretField';
import { VoiceFields } from './VoiceFields';
import { DeliveryFields } from './DeliveryFields';
import { checkTelegramApiRoot } from '../preload/delivery-settings';
import { errorText } from './use-bridge';

interface Form {
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

type Errors = Partial<Record<SettingsField, string>>;

const toForm = (s: PublicSettings): Form => ({
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

function validate(form: Form): { settings: PublicSettings } | { errors: Errors } {
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

export function SettingsView({ state }: { state: AppState }) {
  const [form, setForm] = useState<Form>();
  const [errors, setErrors] = useState<Errors>({});
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  const [loginError, setLoginError] = useState<string>();

  useEffect(() => {
    void window.bridge.getSettings().then((s) => setForm(toForm(s)));
  }, []);

  if (form === undefined) return <p className="muted">Loading…</p>;

  const update = (patch: Partial<Form>, field: SettingsField) => {
    setForm({ ...form, ...patch });
    setErrors(({ [field]: _dropped, ...rest }) => rest);
    setNote(undefined);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const result = validate(form);
    if ('errors' in result) {
      setErrors(result.errors);
      setNote({ ok: false, text: 'Fix the marked fields.' });
      const first = Object.keys(result.errors)[0];
      if (first !== undefined) document.getElementById(`setting-${first}`)?.focus();
      return;
    }
    try {
      const saved = await window.bridge.saveSettings(result.settings);
      setNote(saved.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: saved.error });
      if (saved.ok) setForm(toForm(result.settings));
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const chooseFolder = async () => {
    const folder = await window.bridge.chooseProjectFolder();
    if (folder !== undefined) update({ project: folder }, 'defaultProject');
  };

  const setLogin = async (enabled: boolean) => {
    setLoginError(undefined);
    try {
      const result = await window.bridge.setStartAtLogin(enabled);
      if (!result.ok) setLoginError(result.error);
    } catch (err) {
      setLoginError(errorText(err));
    }
  };

  return (
    <div className="stack">
      <section className="card" aria-labelledby="secrets-heading">
        <h2 id="secrets-heading" className="card-title">
          Secrets
        </h2>
        <SecretField
          name="telegramBotToken"
          label="Telegram bot token"
          isSet={state.secrets.telegramBotToken}
          encryptionAvailable={state.encryptionAvailable}
          hint="From @BotFather. Stored encrypted in your Keychain; it is never shown again."
        />
        <SecretField
          name="opencodePassword"
          label="OpenCode server password"
          isSet={state.secrets.opencodePassword}
          encryptionAvailable={state.encryptionAvailable}
          hint="Needed to attach to a server that has one; optional when the bridge launches OpenCode."
        />
        <SecretField
          name="transcribeKey"
          label="Transcription API key (voice messages)"
          isSet={state.secrets.transcribeKey}
          encryptionAvailable={state.encryptionAvailable}
          hint="For OpenAI or another hosted endpoint; a local whisper server needs none."
        />
      </section>

      <form
        className="card"
        onSubmit={(e) => void save(e)}
        noValidate
        aria-labelledby="bridge-heading"
      >
        <h2 id="bridge-heading" className="card-title">
          Bridge
        </h2>
        <Field
          id="setting-allowedUserIds"
          label="Allowed Telegram user ids"
          error={errors.allowedUserIds}
          hint={USER_IDS_HINT}
        >
          {(aria) => (
            <input
              {...aria}
              type="text"
              inputMode="numeric"
              placeholder="123456789"
              value={form.userIds}
              onChange={(e) => update({ userIds: e.target.value }, 'allowedUserIds')}
            />
          )}
        </Field>
        <Field
          id="setting-allowedChatIds"
          label="Allowed groups"
          error={errors.allowedChatIds}
          hint={CHAT_IDS_HINT}
        >
          {(aria) => (
            <input
              {...aria}
              type="text"
              placeholder="-1001234567890"
              value={form.chatIds}
              onChange={(e) => update({ chatIds: e.target.value }, 'allowedChatIds')}
            />
          )}
        </Field>

        <fieldset className="field">
          <legend>OpenCode</legend>
          <div className="segmented">
            {(['launch', 'attach'] as const).map((mode) => (
              <label key={mode} className="radio">
                <input
                  type="radio"
                  name="opencodeMode"
                  value={mode}
                  checked={form.mode === mode}
                  onChange={() => update({ mode }, 'opencodeMode')}
                />
                {mode === 'launch' ? 'Launch it' : 'Attach to a running server'}
              </label>
            ))}
          </div>
        </fieldset>

        {form.mode === 'attach' ? (
          <Field id="setting-opencodeUrl" label="Server URL" error={errors.opencodeUrl}>
            {(aria) => (
              <input
                {...aria}
                type="url"
                placeholder="http://127.0.0.1:4096"
                value={form.url}
                onChange={(e) => update({ url: e.target.value }, 'opencodeUrl')}
              />
            )}
          </Field>
        ) : (
          <>
            <Field
              id="setting-opencodePort"
              label="Port"
              error={errors.opencodePort}
              hint={`${PORT_MIN}–${PORT_MAX}. The server listens on 127.0.0.1 only.`}
            >
              {(aria) => (
                <input
                  {...aria}
                  type="text"
                  inputMode="numeric"
                  value={form.port}
                  onChange={(e) => update({ port: e.target.value }, 'opencodePort')}
                />
              )}
            </Field>
            <Field
              id="setting-opencodeBinary"
              label="opencode binary (optional)"
              error={errors.opencodeBinary}
              hint="Empty: found via your login shell's PATH and the usual install places."
            >
              {(aria) => (
                <input
                  {...aria}
                  type="text"
                  spellCheck={false}
                  placeholder="~/.opencode/bin/opencode"
                  value={form.binary}
                  onChange={(e) => update({ binary: e.target.value }, 'opencodeBinary')}
                />
              )}
            </Field>
          </>
        )}

        <Field
          id="setting-defaultProject"
          label="Project folder"
          error={errors.defaultProject}
          hint="Where new sessions start. Empty: your home folder."
        >
          {(aria) => (
            <div className="input-row">
              <input
                {...aria}
                type="text"
                spellCheck={false}
                placeholder="~/code/my-project"
                value={form.project}
                onChange={(e) => update({ project: e.target.value }, 'defaultProject')}
              />
              <button type="button" className="button small" onClick={() => void chooseFolder()}>
                Choose…
              </button>
            </div>
          )}
        </Field>

        <Field
          id="setting-editIntervalMs"
          label="Message edit interval (ms)"
          error={errors.editIntervalMs}
          hint={`At least ${EDIT_INTERVAL_MIN_MS}. How often streaming replies are updated in Telegram.`}
        >
          {(aria) => (
            <input
              {...aria}
              type="text"
              inputMode="numeric"
              value={form.interval}
              onChange={(e) => update({ interval: e.target.value }, 'editIntervalMs')}
            />
          )}
        </Field>

        <AwayFields
          form={form}
          error={errors.awayIdleMinutes}
          onChange={(patch, field) => update(patch, field)}
        />

        <VoiceFields
          values={{ url: form.voiceUrl, model: form.voiceModel, language: form.voiceLanguage }}
          errors={errors}
          onChange={(patch, field) => update(patch, field)}
        />

        <DeliveryFields
          values={{ streaming: form.streaming, rich: form.rich, apiRoot: form.apiRoot }}
          errors={errors}
          onChange={(patch, field) => update(patch, field)}
        />

        <div className="row-buttons">
          <button type="submit" className="button primary">
            Save settings
          </button>
          {note !== undefined && (
            <span className={note.ok ? 'ok-text small' : 'error small'} role="status">
              {note.text}
            </span>
          )}
        </div>
      </form>

      <section className="card">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={state.startAtLogin}
            aria-describedby={loginError !== undefined ? 'login-error' : undefined}
            onChange={(e) => void setLogin(e.target.checked)}
          />
          Start at login
        </label>
        {loginError !== undefined && (
          <p id="login-error" className="error">
            {loginError}
          </p>
        )}
      </section>
    </div>
  );
}

const AWAY_CHOICES: { value: AwayNotify; label: string }[] = [
  { value: 'away', label: 'When I’m away' },
  { value: 'always', label: 'Always' },
  { value: 'never', label: 'Never' },
];

/** Away mode: when sessions started at the desk reach the phone. */
function AwayFields({
  form,
  error,
  onChange,
}: {
  form: Form;
  error: string | undefined;
  onChange: (patch: Partial<Form>, field: SettingsField) => void;
}) {
  return (
    <>
      <fieldset className="field">
        <legend>Desk sessions on the phone</legend>
        <div className="segmented">
          {AWAY_CHOICES.map((choice) => (
            <label key={choice.value} className="radio">
              <input
                type="radio"
                name="awayNotify"
                value={choice.value}
                checked={form.awayNotify === choice.value}
                onChange={() => onChange({ awayNotify: choice.value }, 'awayNotify')}
              />
              {choice.label}
            </label>
          ))}
        </div>
        <p className="hint">
          Prompts and finished long turns of sessions you started at the Mac (and that no chat
          follows) go to your phone.
        </p>
      </fieldset>
      {form.awayNotify === 'away' && (
        <Field
          id="setting-awayIdleMinutes"
          label="Away after idle (minutes)"
          error={error}
          hint={`${AWAY_IDLE_MIN_MINUTES}–${AWAY_IDLE_MAX_MINUTES}. You count as away when the screen is locked, the Mac sleeps, or nobody used it for this long.`}
        >
          {(aria) => (
            <input
              {...aria}
              type="text"
              inputMode="numeric"
              value={form.awayMinutes}
              onChange={(e) => onChange({ awayMinutes: e.target.value }, 'awayIdleMinutes')}
            />
          )}
        </Field>
      )}
    </>
  );
}
