// The window's OpenCode settings: launch the server (port, binary) or attach to a running one (URL).
// The server password is a secret and lives with the others (SecretField).
import type { OpencodeMode } from '../preload/ipc-contract';
import { PORT_MAX, PORT_MIN, type SettingsField } from '../preload/settings-validation';
import { Field } from './Field';

export interface OpencodeValues {
  mode: OpencodeMode;
  url: string;
  port: string;
  binary: string;
}

export function OpencodeFields(props: {
  values: OpencodeValues;
  errors: Partial<Record<SettingsField, string>>;
  onChange: (patch: Partial<OpencodeValues>, field: SettingsField) => void;
}) {
  return (
    <>
      <fieldset className="field">
        <legend>OpenCode</legend>
        <div className="segmented">
          {(['launch', 'attach'] as const).map((mode) => (
            <label key={mode} className="radio">
              <input
                type="radio"
                name="opencodeMode"
                value={mode}
                checked={props.values.mode === mode}
                onChange={() => props.onChange({ mode }, 'opencodeMode')}
              />
              {mode === 'launch' ? 'Launch it' : 'Attach to a running server'}
            </label>
          ))}
        </div>
      </fieldset>

      {props.values.mode === 'attach' ? (
        <Field id="setting-opencodeUrl" label="Server URL" error={props.errors.opencodeUrl}>
          {(aria) => (
            <input
              {...aria}
              type="url"
              placeholder="http://127.0.0.1:4096"
              value={props.values.url}
              onChange={(e) => props.onChange({ url: e.target.value }, 'opencodeUrl')}
            />
          )}
        </Field>
      ) : (
        <>
          <Field
            id="setting-opencodePort"
            label="Port"
            error={props.errors.opencodePort}
            hint={`${PORT_MIN}–${PORT_MAX}. The server listens on 127.0.0.1 only.`}
          >
            {(aria) => (
              <input
                {...aria}
                type="text"
                inputMode="numeric"
                value={props.values.port}
                onChange={(e) => props.onChange({ port: e.target.value }, 'opencodePort')}
              />
            )}
          </Field>
          <Field
            id="setting-opencodeBinary"
            label="opencode binary (optional)"
            error={props.errors.opencodeBinary}
            hint="Empty: found via your login shell's PATH and the usual install places."
          >
            {(aria) => (
              <input
                {...aria}
                type="text"
                spellCheck={false}
                placeholder="~/.opencode/bin/opencode"
                value={props.values.binary}
                onChange={(e) => props.onChange({ binary: e.target.value }, 'opencodeBinary')}
              />
            )}
          </Field>
        </>
      )}
    </>
  );
}
