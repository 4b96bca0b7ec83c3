// One logger for the whole core. Every line goes through `redact`, so a secret that slips into an
// error message (a token inside a URL, a password echoed by a server) never reaches a sink.
import { createSecretRegistry } from './redact';
import type { LogEntry, LogLevel } from './status';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines carry another scope, sharing sinks and secrets. */
  child(scope: string): Logger;
}

export type LogSink = (entry: LogEntry) => void;

export interface LogHub {
  logger(scope: string): Logger;
  addSink(sink: LogSink): () => void;
  /** Registers a value that must never appear in a log line, a status or a sent message. */
  addSecret(secret: string | undefined): void;
  /** The text with every registered secret replaced: for anything else that leaves the core. */
  redact: (text: string) => string;
  /** The registered secrets (plain form). */
  secrets(): readonly string[];
}

export function createLogHub(options: { now?: () => number; minLevel?: LogLevel } = {}): LogHub {
  const now = options.now ?? Date.now;
  const minRank = rank(options.minLevel ?? 'debug');
  const sinks = new Set<LogSink>();
  const registry = createSecretRegistry();
  const redact = (text: string): string => registry.redact(text);

  const emit = (level: LogLevel, scope: string, message: string): void => {
    if (rank(level) < minRank) return;
    const entry: LogEntry = { time: now(), level, scope, message: redact(message) };
    for (const sink of sinks) sink(entry);
  };

  const logger = (scope: string): Logger => ({
    debug: (m) => emit('debug', scope, m),
    info: (m) => emit('info', scope, m),
    warn: (m) => emit('warn', scope, m),
    error: (m) => emit('error', scope, m),
    child: (s) => logger(s),
  });

  return {
    logger,
    addSink(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    addSecret: (secret) => registry.add(secret),
    redact,
    secrets: () => registry.secrets(),
  };
}

function rank(level: LogLevel): number {
  return { debug: 0, info: 1, warn: 2, error: 3 }[level];
}

/** `2026-11-24T05:10:00.123Z info  [telegram] connected as @bot` — one line, for stdout. */
export function formatLogLine(entry: LogEntry): string {
  const time = new Date(entry.time).toISOString();
  return `${time} ${entry.level.padEnd(5)} [${entry.scope}] ${entry.message.replace(/\s*\n\s*/g, ' ⏎ ')}`;
}

/**
 * Says a problem once, not on every retry: the first failure of a kind is logged, repeats are
 * silent, and the recovery is logged once.
 */
export class ProblemReporter {
  private current: string | undefined;

  constructor(private readonly log: Logger) {}

  problem(key: string, message: string): void {
    if (this.current === key) return;
    this.current = key;
    this.log.error(message);
  }

  resolved(message: string): void {
    if (this.current === undefined) return;
    this.current = undefined;
    this.log.info(message);
  }

  get hasProblem(): boolean {
    return this.current !== undefined;
  }
}
