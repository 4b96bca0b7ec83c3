// The owner's presence at the desk, from Electron's powerMonitor: screen locked or unlocked, the
// Mac asleep or awake, and how long since the keyboard or mouse was used. The rule is the core's
// (awayFrom); this only gathers the signals. Idle time has no event, so it is polled.
import { awayFrom, type Presence } from '../core/away/presence';

/** The part of Electron's powerMonitor this needs. */
export interface PowerMonitorLike {
  on(event: 'lock-screen' | 'unlock-screen' | 'suspend' | 'resume', listener: () => void): unknown;
  getSystemIdleTime(): number;
}

export interface Timers {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** How often idle time is read: a minute's precision is plenty for "idle ≥ N minutes". */
export const IDLE_POLL_MS = 15_000;

export interface PresenceSource {
  /** A presence that counts the owner away after `idleMinutes` without input. Dispose when done. */
  create(idleMinutes: number): Presence & { dispose(): void };
}

/** Listens from the app's start, so a screen locked before the bridge starts is known. */
export function createPresenceSource(
  power: PowerMonitorLike,
  timers: Timers = {
    setInterval: (run, ms) => setInterval(run, ms).unref(),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  },
): PresenceSource {
  let screenLocked = false;
  let suspended = false;
  const changed = new Set<() => void>();
  const signal = (apply: () => void) => () => {
    apply();
    for (const check of changed) check();
  };
  power.on(
    'lock-screen',
    signal(() => (screenLocked = true)),
  );
  power.on(
    'unlock-screen',
    signal(() => (screenLocked = false)),
  );
  power.on(
    'suspend',
    signal(() => (suspended = true)),
  );
  power.on(
    'resume',
    signal(() => (suspended = false)),
  );

  return {
    create(idleMinutes) {
      const isAway = () =>
        awayFrom({ screenLocked, suspended, idleSeconds: power.getSystemIdleTime() }, idleMinutes);
      const listeners = new Set<(away: boolean) => void>();
      let last = isAway();
      const check = () => {
        const now = isAway();
        if (now === last) return;
        last = now;
        for (const listener of listeners) listener(now);
      };
      changed.add(check);
      const poll = timers.setInterval(check, IDLE_POLL_MS);
      return {
        isAway,
        onChange(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        dispose() {
          changed.delete(check);
          listeners.clear();
          timers.clearInterval(poll);
        },
      };
    },
  };
}
