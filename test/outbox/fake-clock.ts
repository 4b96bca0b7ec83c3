// Deterministic fake clock for the outbox tests: time only moves when a test says so, and timers
// fire in (time, creation) order with all pending promise callbacks drained in between.
import type { Clock } from '../../main/core/telegram/outbox/outbox';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export interface FakeClock extends Clock<number> {
  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): Promise<void>;
  /** Fires timers one by one until `promise` settles; throws if it never can. */
  settle<T>(promise: Promise<T>, maxMs?: number): Promise<void>;
  pendingTimers(): number;
}

/** Drains the microtask queue (setImmediate runs only once it is empty). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createFakeClock(start = 0): FakeClock {
  let now = start;
  let nextId = 1;
  let timers: Timer[] = [];

  const due = (limit: number) =>
    timers
      .filter((t) => t.at <= limit)
      .sort((a, b) => a.at - b.at || a.id - b.id)
      .at(0);

  const fire = (timer: Timer) => {
    timers = timers.filter((t) => t !== timer);
    now = Math.max(now, timer.at);
    timer.fn();
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, ms), fn };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (let timer = due(target); timer; timer = due(target)) {
        fire(timer);
        await flush();
      }
      now = target;
      await flush();
    },
    async settle(promise, maxMs = 24 * 3600_000) {
      let settled = false;
      const done = () => {
        settled = true;
      };
      promise.then(done, done);
      const limit = now + maxMs;
      await flush();
      while (!settled) {
        const timer = due(limit);
        if (!timer) throw new Error(`fake clock: nothing left to fire at t=${now}, still pending`);
        fire(timer);
        await flush();
      }
    },
    pendingTimers: () => timers.length,
  };
}
