// The app's presence source: powerMonitor's lock, sleep and idle time, turned into "away".
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IDLE_POLL_MS, createPresenceSource } from '../../main/app/presence';

function fakePower() {
  const power = Object.assign(new EventEmitter(), { idle: 0, getSystemIdleTime: () => power.idle });
  const polls = new Set<() => void>();
  const timers = {
    setInterval: (run: () => void, ms: number) => {
      expect(ms).toBe(IDLE_POLL_MS);
      polls.add(run);
      return run;
    },
    clearInterval: (handle: unknown) => void polls.delete(handle as () => void),
  };
  const tick = () => polls.forEach((run) => run());
  return { power, timers, polls, tick };
}

describe('presence source', () => {
  it('locks, sleeps and idle time make the owner away; unlocking and input bring them back', () => {
    const { power, timers, tick } = fakePower();
    const presence = createPresenceSource(power, timers).create(5);
    const seen: boolean[] = [];
    presence.onChange((away) => seen.push(away));
    expect(presence.isAway()).toBe(false);

    power.emit('lock-screen');
    power.emit('unlock-screen');
    power.emit('suspend');
    power.emit('resume');
    power.idle = 299;
    tick();
    power.idle = 300;
    tick();
    tick();
    power.idle = 2;
    tick();
    expect(seen).toEqual([true, false, true, false, true, false]);
  });

  it('knows of a lock from before it was created, and stops polling once disposed', () => {
    const { power, timers, polls } = fakePower();
    const source = createPresenceSource(power, timers);
    power.emit('lock-screen');
    const presence = source.create(5);
    expect(presence.isAway()).toBe(true);
    expect(polls.size).toBe(1);
    presence.dispose();
    expect(polls.size).toBe(0);
  });
});
