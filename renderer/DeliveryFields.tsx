// The window's "Answers on the phone" settings: streaming drafts or edits, rich messages or HTML,
// and under Advanced the Bot API server (a self-hosted telegram-bot-api). The same choices as
// BRIDGE_STREAMING, BRIDGE_RICH and TELEGRAM_API_ROOT of the headless bridge.
import type { StreamingMode } from '../main/core/bridge-api';
import type { SettingsField } from '../preload/settings-validation';
import { Field } from './Field';

export interface DeliveryValues {
  streaming: StreamingMode;
  rich: boolean;
  apiRoot: string;
}

type DeliveryPatch = Partial<DeliveryValues>;

const STREAMING: ReadonlyArray<{ value: StreamingMode; label: string }> = [
  { value: 'draft', label: 'Live draft with a Stop button (private chats; groups edit a message)' },
  { value: 'edit', label: 'Edit one message in place, everywhere' },
];

export function DeliveryFields(props: {
  values: DeliveryValues;
  errors: Partial<Record<SettingsField, string>>;
  onChange: (patch: DeliveryPatch, field: SettingsField) => void;
}) {
  return (
    <fieldset className="field">
      <legend>Answers on the phone</legend>
      {STREAMING.map((choice) => (
        <label key={choice.value} className="radio">
          <input
            type="radio"
            name="streaming"
            checked={props.values.streaming === choice.value}
            onChange={() => props.onChange({ streaming: choice.value }, 'streaming')}
          />
          {choice.label}
        </label>
      ))}
      <label className="checkbox">
        <input
          id="setting-richMessages"
          type="checkbox"
          checked={props.values.rich}
          onChange={(e) => props.onChange({ rich: e.target.checked }, 'richMessages')}
        />
        Rich messages: one message per answer (up to 32,768 characters), tool activity folded
      </label>
      <details>
        <summary>Advanced</summary>
        <Field
          id="setting-telegramApiRoot"
          label="Bot API server (optional)"
          error={props.errors.telegramApiRoot}
          hint="A self-hosted telegram-bot-api, e.g. http://127.0.0.1:8081. Empty: https://api.telegram.org. An older server without drafts or rich messages gets the HTML path."
        >
          {(aria) => (
            <input
              {...aria}
              type="url"
              spellCheck={false}
              placeholder="https://api.telegram.org"
              value={props.values.apiRoot}
              onChange={(e) => props.onChange({ apiRoot: e.target.value }, 'telegramApiRoot')}
            />
          )}
        </Field>
      </details>
    </fieldset>
  );
}
