import { useState } from 'react';
import type { OpencodeState, TelegramState } from '../main/core/status';
import type { AppState } from '../preload/ipc-contract';
import { errorText } from './use-bridge';

type Tone = 'ok' | 'busy' | 'error' | 'off';

function telegramLine(t: TelegramState): { tone: Tone; text: string } {
  switch (t.kind) {
    case 'connected':
      return { tone: 'ok', text: `Connected as @${t.botUsername}` };
    case 'connecting':
      return { tone: 'busy', text: 'Connecting…' };
    case 'error':
      return { tone: 'error', text: `Error: ${t.reason}` };
    case 'stopped':
      return { tone: 'off', text: 'Stopped' };
  }
}

function opencodeLine(o: OpencodeState): { tone: Tone; text: string } {
  switch (o.kind) {
    case 'connected':
      return { tone: 'ok', text: `Connected, version ${o.version}` };
    case 'connecting':
      return { tone: 'busy', text: 'Connecting…' };
    case 'error':
      return { tone: 'error', text: `Error: ${o.reason}` };
    case 'stopped':
      return { tone: 'off', text: 'Stopped' };
  }
}

function Row({
  label,
  tone,
  text,
  detail,
}: {
  label: string;
  tone: Tone;
  text: string;
  detail?: string | undefined;
}) {
  return (
    <div className="status-row">
      <span className={`dot dot-tone-${tone}`} aria-hidden="true" />
      <div className="status-text">
        <div className="status-label">{label}</div>
        <div className={tone === 'error' ? 'status-value error-text' : 'status-value'}>{text}</div>
        {detail !== undefined && <div className="muted mono small">{detail}</div>}
      </div>
    </div>
  );
}

export function StatusView({
  state,
  onOpenSettings,
}: {
  state: AppState;
  onOpenSettings: () => void;
}) {
  const { status } = state;
  const tg = telegramLine(status.telegram);
  const oc = opencodeLine(status.opencode);
  const ocUrl = status.opencode.kind === 'stopped' ? undefined : status.opencode.url;
  const waiting = status.sessions.filter((s) => s.waitingForUser).length;
  const [copyNote, setCopyNote] = useState<string>();

  const copy = async () => {
    try {
      const result = await window.bridge.copyAttachCommand();
      setCopyNote(result.ok ? 'Copied.' : result.error);
    } catch (err) {
      setCopyNote(errorText(err));
    }
  };

  return (
    <div className="stack">
      {state.missing.length > 0 && (
        <div className="notice" role="note">
          <span>To start, fill in: {state.missing.join(', ')}.</span>
          <button type="button" className="link" onClick={onOpenSettings}>
            Open Settings
          </button>
        </div>
      )}
      {state.restartNeeded && (
        <div className="notice" role="note">
          Settings changed; stop and start the bridge to apply them.
        </div>
      )}
      {status.notice && (
        <div className="notice" role="note">
          {status.notice}
        </div>
      )}
      <section className="card" aria-label="Connections">
        <Row label="Telegram" {...tg} />
        <Row label="OpenCode" {...oc} detail={ocUrl} />
      </section>

      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" className="card-title">
          Sessions
          {waiting > 0 && <span className="badge badge-warn">{waiting} waiting for you</span>}
        </h2>
        {status.sessions.length === 0 ? (
          <p className="muted small">No sessions followed yet. Message your bot to start one.</p>
        ) : (
          <ul className="sessions">
            {status.sessions.map((s) => (
              <li key={s.sessionId} className="session">
                <div className="session-title">{s.title || s.sessionId}</div>
                <div className="muted small">{s.place}</div>
                <div className="session-badges">
                  {s.waitingForUser && <span className="badge badge-warn">waiting for you</span>}
                  {s.busy && <span className="badge badge-busy">working</span>}
                  {!s.busy && !s.waitingForUser && <span className="badge">idle</span>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="attach-heading">
        <h2 id="attach-heading" className="card-title">
          Follow along at your desk
        </h2>
        <div className="attach">
          <code className="mono small attach-command">{state.attachCommand}</code>
          <button type="button" className="button small" onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <p className="muted small" role="status">
          {copyNote ?? 'Run it in a terminal: the TUI shows the same sessions live.'}
        </p>
      </section>
    </div>
  );
}
