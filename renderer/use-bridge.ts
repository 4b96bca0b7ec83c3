// Subscriptions to main: state and logs. Subscribe first, then fetch, so nothing falls between.
import { useEffect, useState } from 'react';
import type { LogEntry } from '../main/core/status';
import type { AppState } from '../preload/ipc-contract';

export const LOG_LIMIT = 500;

export interface LogLine extends LogEntry {
  id: number;
}

let nextLogId = 0;
const withId = (entry: LogEntry): LogLine => ({ ...entry, id: nextLogId++ });
const keyOf = (e: LogEntry): string => `${e.time}|${e.scope}|${e.level}|${e.message}`;

export function useBridgeState(): AppState | undefined {
  const [state, setState] = useState<AppState>();
  useEffect(() => {
    const off = window.bridge.onState(setState);
    void window.bridge.getState().then((initial) => setState((pushed) => pushed ?? initial));
    return off;
  }, []);
  return state;
}

export function useLogs(): LogLine[] {
  const [lines, setLines] = useState<LogLine[]>([]);
  useEffect(() => {
    const off = window.bridge.onLog((entry) =>
      setLines((prev) => [...prev, withId(entry)].slice(-LOG_LIMIT)),
    );
    void window.bridge.getLogs().then((history) =>
      setLines((pushed) => {
        const known = new Set(history.map(keyOf));
        const fresh = pushed.filter((line) => !known.has(keyOf(line)));
        return [...history.map(withId), ...fresh].slice(-LOG_LIMIT);
      }),
    );
    return off;
  }, []);
  return lines;
}

/** "Error invoking remote method 'x': IpcRefusedError: Refused x: reason" → "Refused x: reason". */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
