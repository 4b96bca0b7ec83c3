// The app's log ring (Logs tab): a flood of one warning must not push real errors out of it.
import { describe, expect, it } from 'vitest';
import { createLogBuffer } from '../../main/app/log-buffer';
import type { LogEntry } from '../../main/core/status';

describe('the app log ring', () => {
  it('keeps 3 real errors through 10,000 identical warnings, and says how many there were', () => {
    let clock = 0;
    const logs = createLogBuffer({ now: () => clock });
    const pushed: LogEntry[] = [];
    logs.onEntry((e) => pushed.push(e));
    const stranger = logs.logger('telegram');
    const errors = [
      'Could not deliver the final answer: Bad Request',
      'Disk full',
      'Token rejected',
    ];
    for (let i = 0; i < 10_000; i++) {
      if (i % 4000 === 0) logs.logger('turn').error(errors[i / 4000]!);
      stranger.warn('Ignored an update from user 6666 (not on the allowlist).');
      clock += 1;
    }
    const entries = logs.entries();
    expect(entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual(errors);
    expect(entries.length).toBeLessThan(50);
    // The window was still open: the count comes once it ends.
    clock = 60_000;
    expect(logs.entries().at(-1)?.message).toBe(
      'Ignored an update from user 6666 (not on the allowlist). (×9,980 more like this in 60 s)',
    );
    // The window's listeners (the Logs tab) see the same lines as the ring.
    expect(pushed).toEqual(logs.entries());
  });
});
