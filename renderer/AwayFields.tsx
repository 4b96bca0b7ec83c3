// The window's Away mode settings: when sessions started at the desk reach the phone.
import type { AwayNotify } from '../preload/ipc-contract';
import {
  AWAY_IDLE_MAX_MINUTES,
  AWAY_IDLE_MIN_MINUTES,
  type SettingsField,
} from '../preload/settings-validation';
import { Field } from './Field';

export interface AwayValues {
  awayNotify: AwayNotify;
  awayMinutes: string;
}

const AWAY_CHOICES: { value: AwayNotify; label: string }[] = [
  { value: 'away', label: 'When I’m away' },
  { value: 'always', label: 'Always' },
  { value: 'never', label: 'Never' },
];

export function AwayFields({
  form,
  error,
  onChange,
}: {
  form: AwayValues;
  error: string | undefined;
  onChange: (patch: Partial<AwayValues>, field: SettingsField) => void;
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
