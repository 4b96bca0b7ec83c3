// One logger for the whole core. Every line goes through `redact`, so a secret that slips into an
// error message (a token inside a URL, a password echoed by a server) never reaches a sink.
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
  /** Registers a value that must never appear in a log line. */
  addSecret(secret: string | undefined): void;
}

const MIN_SECRET_LENGTH = 4;

export function createLogHub(options: { now?: () => number; minLevel?: LogLevel } = {}): LogHub {
  const now = options.now ?? Date.now;
  const minRank = rank(options.minLevel ?? 'debug');
  const sinks = new Set<LogSink>();
  const secrets = new Set<string>();

  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };

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
    addSecret(secret) {
      if (secret && secret.length >= MIN_SECRET_LENGTH) {
        secrets.add(secret);
        // Basic-auth headers and `auth_token` query values carry the secret base64-encoded.
        secrets.add(Buffer.from(secret).toString('base64'));
      }
    },
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
