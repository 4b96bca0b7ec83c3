import { useEffect, useState, type FormEvent } from 'react';
import type { AppState } from '../preload/ipc-contract';
import {
  EDIT_INTERVAL_MIN_MS,
  CHAT_IDS_HINT,
  USER_IDS_HINT,
  type SettingsField,
} from '../preload/settings-validation';
import { Field } from './Field';
import { SecretField } from './SecretField';
import { AwayFields } from './AwayFields';
import { OpencodeFields } from './OpencodeFields';
import { VoiceFields } from './VoiceFields';
import { DeliveryFields } from './DeliveryFields';
import { toForm, validateForm, type Errors, type Form } from './settings-form';
import { errorText } from './use-bridge';

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
    const result = validateForm(form);
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

        <OpencodeFields
          values={{ mode: form.mode, url: form.url, port: form.port, binary: form.binary }}
          errors={errors}
          onChange={(patch, field) => update(patch, field)}
        />

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
