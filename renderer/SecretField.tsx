import { useState, type FormEvent } from 'react';
import type { SecretName } from '../preload/ipc-contract';
import { checkSetSecret } from '../preload/settings-validation';
import { Field } from './Field';
import { errorText } from './use-bridge';

/** Write-only: the field starts empty and says only whether a value is saved. */
export function SecretField(props: {
  name: SecretName;
  label: string;
  isSet: boolean;
  encryptionAvailable: boolean;
  hint?: string;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const id = `secret-${props.name}`;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkSetSecret({ name: props.name, value });
    if (!checked.ok) {
      setError(checked.error);
      return;
    }
    setPending(true);
    try {
      const result = await window.bridge.setSecret(props.name, checked.value.value);
      if (result.ok) {
        setValue('');
        setError(undefined);
      } else setError(result.error);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setPending(false);
    }
  };

  const clear = async () => {
    setError(undefined);
    try {
      const result = await window.bridge.clearSecret(props.name);
      if (!result.ok) setError(result.error);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const unavailable = props.encryptionAvailable
    ? undefined
    : 'Encryption (Keychain) is not available, so secrets cannot be saved.';

  return (
    <form className="secret" onSubmit={(e) => void save(e)}>
      <Field id={id} label={props.label} error={error ?? unavailable} hint={props.hint}>
        {(aria) => (
          <div className="secret-row">
            <input
              {...aria}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={value}
              placeholder={props.isSet ? '••••••••  (saved)' : 'not set'}
              onChange={(e) => {
                setValue(e.target.value);
                setError(undefined);
              }}
            />
            <span
              className={props.isSet ? 'badge badge-ok' : 'badge'}
              data-testid={`${props.name}-status`}
            >
              {props.isSet ? 'saved' : 'not set'}
            </span>
          </div>
        )}
      </Field>
      <div className="row-buttons">
        <button
          type="submit"
          className="button small"
          aria-label={`Save ${props.label}`}
          disabled={pending || value === '' || !props.encryptionAvailable}
        >
          Save
        </button>
        <button
          type="button"
          className="button small"
          aria-label={`Clear ${props.label}`}
          disabled={!props.isSet}
          onClick={() => void clear()}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
