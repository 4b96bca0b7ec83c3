import { useState } from 'react';
import type { AppState } from '../preload/ipc-contract';
import { errorText } from './use-bridge';

export function StartStopButton({ state }: { state: AppState }) {
  const [error, setError] = useState<string>();
  const running = state.status.running;
  const blocked = !running && state.missing.length > 0;

  const toggle = async () => {
    setError(undefined);
    try {
      const result = running ? await window.bridge.stop() : await window.bridge.start();
      if (!result.ok) setError(result.error);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="start-stop">
      <button
        type="button"
        className={running ? 'button' : 'button primary'}
        disabled={state.busy || blocked}
        title={blocked ? `Fill in first: ${state.missing.join(', ')}` : undefined}
        aria-describedby={error !== undefined ? 'start-stop-error' : undefined}
        onClick={() => void toggle()}
      >
        {state.busy ? (running ? 'Stopping…' : 'Starting…') : running ? 'Stop' : 'Start'}
      </button>
      {error !== undefined && (
        <p id="start-stop-error" className="error toast" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
