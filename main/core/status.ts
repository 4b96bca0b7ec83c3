// What the bridge core reports about itself. The headless CLI prints it as log lines; the menu-bar
// app turns it into the tray icon and the window. Plain data only: it crosses IPC as-is.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  /** Epoch milliseconds. */
  time: number;
  level: LogLevel;
  /** Which part of the bridge speaks: 'telegram', 'opencode', 'bridge', 'supervisor', … */
  scope: string;
  message: string;
}

export type TelegramState =
  | { kind: 'stopped' }
  | { kind: 'connecting' }
  | { kind: 'connected'; botUsername: string }
  /** `fatal`: it cannot recover by retrying (a rejected token); the user must change a setting. */
  | { kind: 'error'; reason: string; fatal?: boolean | undefined };

export type OpencodeState =
  | { kind: 'stopped' }
  | { kind: 'connecting'; url: string }
  | { kind: 'connected'; url: string; version: string }
  | { kind: 'error'; url: string; reason: string };

export interface FollowedSession {
  sessionId: string;
  title: string;
  /** Where its output goes, e.g. "private chat 12345" or "topic 'Fix tests' in My Group". */
  place: string;
  busy: boolean;
  /** A permission or question is waiting for the user's answer. */
  waitingForUser: boolean;
}

export interface BridgeStatus {
  running: boolean;
  telegram: TelegramState;
  opencode: OpencodeState;
  sessions: FollowedSession[];
  /** Something the user should know that is not an error, e.g. the saved state was reset. */
  notice?: string | undefined;
}

export const initialStatus: BridgeStatus = {
  running: false,
  telegram: { kind: 'stopped' },
  opencode: { kind: 'stopped' },
  sessions: [],
};

/** The one-word summary the tray icon shows. */
export type TrayState = 'stopped' | 'idle' | 'working' | 'waiting' | 'error';

export function trayStateOf(status: BridgeStatus): TrayState {
  if (status.telegram.kind === 'error' || status.opencode.kind === 'error') return 'error';
  if (!status.running) return 'stopped';
  if (status.sessions.some((s) => s.waitingForUser)) return 'waiting';
  if (status.sessions.some((s) => s.busy)) return 'working';
  return 'idle';
}
