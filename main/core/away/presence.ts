// Whether the owner is at the desk. The core only sees this injected source: the menu-bar app
// feeds it from Electron's powerMonitor, the headless bridge has none (then BRIDGE_NOTIFY alone
// decides). The rule itself is pure, so it is tested without a Mac.

export interface Presence {
  /** True when nobody is at the desk: prompts and finished turns of desk sessions go to the phone. */
  isAway(): boolean;
  /** Called with the new value whenever it changes; returns the unsubscribe function. */
  onChange(listener: (away: boolean) => void): () => void;
}

export interface DeskSignals {
  screenLocked: boolean;
  /** The Mac is asleep (between powerMonitor's suspend and resume). */
  suspended: boolean;
  /** Seconds since the last keyboard or mouse input. */
  idleSeconds: number;
}

/** Away = the screen is locked, the Mac sleeps, or nobody touched it for `idleMinutes`. */
export function awayFrom(signals: DeskSignals, idleMinutes: number): boolean {
  return signals.screenLocked || signals.suspended || signals.idleSeconds >= idleMinutes * 60;
}
