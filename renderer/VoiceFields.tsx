// The window's Voice messages settings: where voice notes are transcribed. The key is a secret and
// lives with the others (SecretField); these are the plain fields of the settings form.
import type { SettingsField } from '../preload/settings-validation';
import { Field } from './Field';

export interface VoiceValues {
  url: string;
  model: string;
  language: string;
}

type VoicePatch = Partial<{ voiceUrl: string; voiceModel: string; voiceLanguage: string }>;

export function VoiceFields(props: {
  values: VoiceValues;
  errors: Partial<Record<SettingsField, string>>;
  onChange: (patch: VoicePatch, field: SettingsField) => void;
}) {
  return (
    <fieldset className="field" aria-describedby="voice-privacy">
      <legend>Voice messages</legend>
      <p id="voice-privacy" className="hint">
        Voice notes are transcribed here and sent like typed text. The audio goes only to this
        endpoint; a local whisper server on 127.0.0.1 keeps it on this Mac.
      </p>
      <Field
        id="setting-transcribeUrl"
        label="Transcription URL (optional)"
        error={props.errors.transcribeUrl}
        hint="OpenAI-compatible, e.g. http://127.0.0.1:8080/v1 or https://api.openai.com/v1. Empty: voice notes are off."
      >
        {(aria) => (
          <input
            {...aria}
            type="url"
            spellCheck={false}
            placeholder="http://127.0.0.1:8080/v1"
            value={props.values.url}
            onChange={(e) => props.onChange({ voiceUrl: e.target.value }, 'transcribeUrl')}
          />
        )}
      </Field>
      <Field
        id="setting-transcribeModel"
        label="Model"
        error={props.errors.transcribeModel}
        hint="whisper-1 for OpenAI; a local server takes any name."
      >
        {(aria) => (
          <input
            {...aria}
            type="text"
            spellCheck={false}
            placeholder="whisper-1"
            value={props.values.model}
            onChange={(e) => props.onChange({ voiceModel: e.target.value }, 'transcribeModel')}
          />
        )}
      </Field>
      <Field
        id="setting-transcribeLanguage"
        label="Language (optional)"
        error={props.errors.transcribeLanguage}
        hint="A code such as en or de. Empty: detected."
      >
        {(aria) => (
          <input
            {...aria}
            type="text"
            spellCheck={false}
            placeholder="en"
            value={props.values.language}
            onChange={(e) =>
              props.onChange({ voiceLanguage: e.target.value }, 'transcribeLanguage')
            }
          />
        )}
      </Field>
    </fieldset>
  );
}
