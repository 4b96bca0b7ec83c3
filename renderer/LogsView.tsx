import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogLevel } from '../main/core/status';
import { errorText, type LogLine } from './use-bridge';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

const time = (ms: number): string =>
  new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });

export function LogsView({ lines }: { lines: LogLine[] }) {
  const [minLevel, setMinLevel] = useState<LogLevel>('info');
  const [note, setNote] = useState<string>();
  const listRef = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const shown = lines.filter((l) => RANK[l.level] >= RANK[minLevel]);

  // Follow the newest line unless the user scrolled up to read.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list !== null && pinned.current) list.scrollTop = list.scrollHeight;
  }, [shown.length]);

  useEffect(() => {
    if (note === undefined) return;
    const timer = setTimeout(() => setNote(undefined), 2000);
    return () => clearTimeout(timer);
  }, [note]);

  const copy = async () => {
    try {
      const result = await window.bridge.copyLogs(minLevel);
      setNote(result.ok ? 'Copied.' : result.error);
    } catch (err) {
      setNote(errorText(err));
    }
  };

  return (
    <div className="logs">
      <div className="logs-toolbar">
        <label htmlFor="log-level">Show</label>
        <select
          id="log-level"
          value={minLevel}
          onChange={(e) => setMinLevel(e.target.value as LogLevel)}
        >
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === 'debug' ? 'everything' : `${l} and above`}
            </option>
          ))}
        </select>
        <span className="muted small" role="status">
          {note ?? `${shown.length} lines`}
        </span>
        <button type="button" className="button small" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <ol
        ref={listRef}
        className="log-list mono"
        aria-label="Log"
        aria-live="polite"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown.length === 0 && <li className="muted">Nothing logged yet.</li>}
        {shown.map((l) => (
          <li key={l.id} className={`log log-${l.level}`}>
            <span className="log-time">{time(l.time)}</span>{' '}
            <span className="log-scope">{l.scope}</span> {l.message}
          </li>
        ))}
      </ol>
    </div>
  );
}
