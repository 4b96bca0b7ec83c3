import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../main/core/opencode/connection-state';
import {
  backoffDelayMs,
  defaultBackoff,
  nextConnectionState,
  stalledReason,
} from '../../main/core/opencode/connection-state';

const fail = (random = 0) => ({ type: 'failed' as const, reason: 'x', random });

describe('event-stream connection state', () => {
  it('connects, opens, and tracks data', () => {
    let s: ConnectionState = { kind: 'idle' };
    s = nextConnectionState(s, { type: 'start' }, 0);
    expect(s).toEqual({ kind: 'connecting', attempt: 0, since: 0 });
    s = nextConnectionState(s, { type: 'opened' }, 100);
    expect(s).toEqual({ kind: 'open', attempt: 0, openedAt: 100, lastDataAt: 100 });
    s = nextConnectionState(s, { type: 'data' }, 5000);
    expect(s).toMatchObject({ lastDataAt: 5000 });
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelayMs(1, 0, defaultBackoff)).toBe(250);
    expect(backoffDelayMs(1, 0.999, defaultBackoff)).toBe(500);
    expect(backoffDelayMs(4, 1, defaultBackoff)).toBe(4000);
    expect(backoffDelayMs(30, 1, defaultBackoff)).toBe(30_000);
  });

  it('grows the attempt while failures repeat and waits until the retry is due', () => {
    let s: ConnectionState = { kind: 'connecting', attempt: 0, since: 0 };
    s = nextConnectionState(s, fail(1), 0);
    expect(s).toEqual({ kind: 'backoff', attempt: 1, untilMs: 500, reason: 'x' });
    expect(nextConnectionState(s, { type: 'retry-due' }, 499)).toBe(s);
    s = nextConnectionState(s, { type: 'retry-due' }, 500);
    expect(s).toEqual({ kind: 'connecting', attempt: 1, since: 500 });
    s = nextConnectionState(s, fail(1), 500);
    expect(s).toMatchObject({ kind: 'backoff', attempt: 2, untilMs: 1500 });
  });

  it('starts over after a connection that stayed up, but not after a flapping one', () => {
    const flapping: ConnectionState = { kind: 'open', attempt: 5, openedAt: 0, lastDataAt: 0 };
    expect(nextConnectionState(flapping, fail(1), 1000)).toMatchObject({ attempt: 6 });
    expect(nextConnectionState(flapping, fail(1), 60_000)).toMatchObject({ attempt: 1 });
  });

  it('honours a minimum delay for errors that need a longer pause', () => {
    const s = nextConnectionState(
      { kind: 'connecting', attempt: 0, since: 0 },
      { ...fail(0), minDelayMs: 15_000 },
      0,
    );
    expect(s).toMatchObject({ untilMs: 15_000 });
  });

  it('waits a fixed delay instead of backing off when told to (a wrong server is checked steadily)', () => {
    const s = nextConnectionState(
      { kind: 'connecting', attempt: 9, since: 0 },
      { ...fail(0.9), delayMs: 10_000 },
      0,
    );
    expect(s).toMatchObject({ untilMs: 10_000 });
  });

  it('declares a stream dead after 25 s of silence', () => {
    const open: ConnectionState = { kind: 'open', attempt: 0, openedAt: 0, lastDataAt: 10_000 };
    expect(stalledReason(open, 34_999)).toBeUndefined();
    expect(stalledReason(open, 35_000)).toBe('No event or heartbeat from OpenCode for 25 s.');
  });

  it('gives up on a connection attempt that gets no answer in 10 s', () => {
    const connecting: ConnectionState = { kind: 'connecting', attempt: 2, since: 5000 };
    expect(stalledReason(connecting, 14_999)).toBeUndefined();
    expect(stalledReason(connecting, 15_000)).toBe(
      'OpenCode did not answer the event-stream request within 10 s.',
    );
    expect(stalledReason({ kind: 'backoff', attempt: 2, untilMs: 0, reason: 'x' }, 1e9)).toBe(
      undefined,
    );
  });

  it('starts afresh at once when a reconnect is asked for, whatever it was doing', () => {
    const states: ConnectionState[] = [
      { kind: 'open', attempt: 3, openedAt: 0, lastDataAt: 0 },
      { kind: 'backoff', attempt: 6, untilMs: 99_000, reason: 'x' },
      { kind: 'connecting', attempt: 2, since: 0 },
    ];
    for (const s of states) {
      expect(nextConnectionState(s, { type: 'reconnect' }, 50)).toEqual({
        kind: 'connecting',
        attempt: 0,
        since: 50,
      });
    }
    expect(nextConnectionState({ kind: 'stopped' }, { type: 'reconnect' }, 50)).toEqual({
      kind: 'stopped',
    });
  });

  it('stays stopped', () => {
    const s = nextConnectionState(
      { kind: 'open', attempt: 0, openedAt: 0, lastDataAt: 0 },
      { type: 'stop' },
      1,
    );
    expect(s).toEqual({ kind: 'stopped' });
    expect(nextConnectionState(s, { type: 'start' }, 2)).toEqual({ kind: 'stopped' });
  });
});
