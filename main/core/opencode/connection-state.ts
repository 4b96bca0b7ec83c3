// The event-stream connection as a pure state machine: the shell feeds it what happened and the
// time, and does what the new state says (connect, wait, or nothing). No I/O, no timers.

export type ConnectionState =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number; since: number }
  | { kind: 'open'; attempt: number; openedAt: number; lastDataAt: number }
  | { kind: 'backoff'; attempt: number; untilMs: number; reason: string }
  | { kind: 'stopped' };

export type ConnectionEvent =
  | { type: 'start' }
  | { type: 'opened' }
  | { type: 'data' }
  /**
   * `random` in [0, 1) spreads reconnects (jitter); `minDelayMs` for errors that need a longer
   * pause; `delayMs` replaces the backoff (a wrong server is checked again at a steady pace).
   */
  | { type: 'failed'; reason: string; random: number; minDelayMs?: number; delayMs?: number }
  | { type: 'retry-due' }
  /** Asked for (after a wake from sleep): start afresh at once, not as a failure. */
  | { type: 'reconnect' }
  | { type: 'stop' };

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** A connection that stayed open this long counts as healthy: the next failure starts over. */
  stableMs: number;
  /** No byte for this long (heartbeats come every 10 s) means the stream is dead. */
  silenceMs: number;
  /**
   * No response headers for this long means the attempt is stuck. OpenCode 1.18 accepts
   * connections while it boots and never answers the ones that arrived before it was ready.
   */
  connectTimeoutMs: number;
}

export const defaultBackoff: BackoffPolicy = {
  baseMs: 500,
  maxMs: 30_000,
  stableMs: 30_000,
  silenceMs: 25_000,
  connectTimeoutMs: 10_000,
};

export function backoffDelayMs(attempt: number, random: number, policy: BackoffPolicy): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // Full jitter on the upper half: never sooner than half the delay, so a crowd of retries spreads.
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

export function nextConnectionState(
  state: ConnectionState,
  event: ConnectionEvent,
  now: number,
  policy: BackoffPolicy = defaultBackoff,
): ConnectionState {
  if (event.type === 'stop') return { kind: 'stopped' };
  if (state.kind === 'stopped') return state;

  switch (event.type) {
    case 'start':
      return state.kind === 'idle' ? { kind: 'connecting', attempt: 0, since: now } : state;
    case 'opened':
      return state.kind === 'connecting'
        ? { kind: 'open', attempt: state.attempt, openedAt: now, lastDataAt: now }
        : state;
    case 'data':
      return state.kind === 'open' ? { ...state, lastDataAt: now } : state;
    case 'failed': {
      if (state.kind !== 'connecting' && state.kind !== 'open') return state;
      const wasStable = state.kind === 'open' && now - state.openedAt >= policy.stableMs;
      const attempt = wasStable ? 1 : state.attempt + 1;
      const delay =
        event.delayMs ??
        Math.max(backoffDelayMs(attempt, event.random, policy), event.minDelayMs ?? 0);
      return { kind: 'backoff', attempt, untilMs: now + delay, reason: event.reason };
    }
    case 'reconnect':
      return state.kind === 'idle' ? state : { kind: 'connecting', attempt: 0, since: now };
    case 'retry-due':
      return state.kind === 'backoff' && now >= state.untilMs
        ? { kind: 'connecting', attempt: state.attempt, since: now }
        : state;
  }
}

/**
 * Why the current attempt must be torn down: an open stream silent for too long, or a connection
 * attempt that got no answer. Undefined while all is well.
 */
export function stalledReason(
  state: ConnectionState,
  now: number,
  policy = defaultBackoff,
): string | undefined {
  const seconds = (ms: number): number => Number((ms / 1000).toFixed(1));
  if (state.kind === 'open' && now - state.lastDataAt >= policy.silenceMs)
    return `No event or heartbeat from OpenCode for ${seconds(policy.silenceMs)} s.`;
  if (state.kind === 'connecting' && now - state.since >= policy.connectTimeoutMs)
    return `OpenCode did not answer the event-stream request within ${seconds(policy.connectTimeoutMs)} s.`;
  return undefined;
}
