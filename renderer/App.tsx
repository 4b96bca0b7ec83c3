import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Tab } from '../preload/ipc-contract';
import { LogsView } from './LogsView';
import { SettingsView } from './SettingsView';
import { StatusView } from './StatusView';
import { StartStopButton } from './StartStopButton';
import { useBridgeState, useLogs } from './use-bridge';

const TABS: { id: Tab; label: string }[] = [
  { id: 'status', label: 'Status' },
  { id: 'settings', label: 'Settings' },
  { id: 'logs', label: 'Logs' },
];

export function App() {
  const state = useBridgeState();
  const logs = useLogs();
  const [tab, setTab] = useState<Tab>('status');
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());

  // Declared after the state and log hooks, so this runs once every listener is in place.
  useEffect(() => {
    const off = window.bridge.onShowTab(setTab);
    void window.bridge.ready();
    return off;
  }, []);

  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (next === undefined) return;
    setTab(next.id);
    tabRefs.current.get(next.id)?.focus();
  };

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className={`dot dot-${state?.tray ?? 'stopped'}`} aria-hidden="true" />
          <h1>OpenCode Bridge</h1>
        </div>
        {state !== undefined && <StartStopButton state={state} />}
      </header>
      <nav className="tabs" role="tablist" aria-label="Sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) tabRefs.current.set(t.id, el);
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="tab"
            onClick={() => setTab(t.id)}
            onKeyDown={onTabKey}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main className="panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {state === undefined ? (
          <p className="muted">Loading…</p>
        ) : tab === 'status' ? (
          <StatusView state={state} onOpenSettings={() => setTab('settings')} />
        ) : tab === 'settings' ? (
          <SettingsView state={state} />
        ) : (
          <LogsView lines={logs} />
        )}
      </main>
    </div>
  );
}
