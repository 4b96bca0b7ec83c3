// The app's log: a capped ring buffer the Logs tab reads and subscribes to. Bridge lines and the
// app's own lines meet here; every message is redacted against the secrets seen this session.
// A flood of one line is counted, not kept line by line, so it cannot push real errors out.
import { RepeatCounter, type RepeatOptions } from '../core/log-repeats';
import { createSecretRegistry } from '../core/redact';
import type { LogEntry, LogLevel } from '../core/status';

export interface AppLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LogBuffer {
  push(entry: LogEntry): void;
  entries(): LogEntry[];
  onEntry(listener: (entry: LogEntry) => void): () => void;
  logger(scope: string): AppLogger;
  /** A value that must never appear in a log line (short values are ignored: too many false hits). */
  addSecret(secret: string): void;
  /** The text with every known secret replaced by [redacted]. */
  redact(text: string): string;
}

export const LOG_CAPACITY = 500;
const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function atLeast(level: LogLevel, min: LogLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[min];
}

export function formatLogLine(entry: LogEntry): string {
  const time = new Date(entry.time).toISOString();
  return `${time} ${entry.level.toUpperCase().padEnd(5)} [${entry.scope}] ${entry.message}`;
}

export function createLogBuffer(
  options: { capacity?: number; now?: () => number; repeats?: RepeatOptions } = {},
): LogBuffer {
  const capacity = options.capacity ?? LOG_CAPACITY;
  const now = options.now ?? Date.now;
  const repeats = new RepeatCounter(options.repeats);
  const lines: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  // The same registry as the core's, so the app's own lines hide the same forms of a secret.
  const secrets = createSecretRegistry();
  const redact = (text: string): string => secrets.redact(text);

  const keep = (entry: LogEntry): void => {
    lines.push(entry);
    if (lines.length > capacity) lines.splice(0, lines.length - capacity);
    for (const listener of listeners) listener(entry);
  };

  const push = (entry: LogEntry): void => {
    for (const line of repeats.add({ ...entry, message: redact(entry.message) })) keep(line);
  };

  return {
    push,
    entries: () => {
      // A flood that has ended shows its count when the log is looked at.
      for (const line of repeats.flush(now())) keep(line);
      return [...lines];
    },
    onEntry(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    logger(scope) {
      const at =
        (level: LogLevel) =>
        (message: string): void =>
          push({ time: now(), level, scope, message });
      return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    },
    addSecret: (secret) => secrets.add(secret),
    redact,
  };
}
