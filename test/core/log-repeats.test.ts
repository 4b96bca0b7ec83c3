import { describe, expect, it } from 'vitest';
import { RepeatCounter } from '../../main/core/log-repeats';
import type { LogEntry } from '../../main/core/status';

const warn = (time: number, user: number): LogEntry => ({
  time,
  level: 'warn',
  scope: 'telegram',
  message: `Ignored an update from user ${user} (not on the allowlist).`,
});

describe('RepeatCounter', () => {
  it('shows the first lines of a flood, counts the rest and says the count when the window ends', () => {
    const counter = new RepeatCounter({ windowMs: 60_000, shown: 3 });
    const out: LogEntry[] = [];
    for (let i = 0; i < 10_000; i++) out.push(...counter.add(warn(i, 6666)));
    expect(out.map((e) => e.time)).toEqual([0, 1, 2]);
    expect(counter.flush(59_999)).toEqual([]);
    expect(counter.flush(60_000)).toEqual([
      {
        time: 60_000,
        level: 'warn',
        scope: 'telegram',
        message:
          'Ignored an update from user 6666 (not on the allowlist). (×9,997 more like this in 60 s)',
      },
    ]);
    // A new window starts afresh.
    expect(counter.add(warn(70_000, 6666))).toEqual([warn(70_000, 6666)]);
  });

  it('counts lines that differ only in their numbers together, and keeps other lines apart', () => {
    const counter = new RepeatCounter({ shown: 1 });
    expect(counter.add(warn(0, 1))).toHaveLength(1);
    expect(counter.add(warn(1, 2))).toEqual([]);
    const error: LogEntry = { time: 2, level: 'error', scope: 'telegram', message: 'Boom.' };
    expect(counter.add(error)).toEqual([error]);
    // The summary comes out with the first line logged after its window.
    const later = { ...error, time: 61_000 };
    expect(counter.add(later).map((e) => e.message)).toEqual([
      'Ignored an update from user 1 (not on the allowlist). (×1 more like this in 60 s)',
      'Boom.',
    ]);
  });

  it('drains what it still counts', () => {
    const counter = new RepeatCounter({ shown: 1 });
    counter.add(warn(0, 1));
    counter.add(warn(5000, 1));
    expect(counter.drain(5000).map((e) => e.message)).toEqual([
      'Ignored an update from user 1 (not on the allowlist). (×1 more like this in 5 s)',
    ]);
    expect(counter.drain(6000)).toEqual([]);
  });
});
