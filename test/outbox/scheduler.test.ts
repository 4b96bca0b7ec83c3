import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  chatBucket,
  complete,
  createState,
  defaultBackoff,
  enqueue,
  globalBucket,
  markSent,
  nextReady,
  pauseBucket,
  readyAt,
  refund,
  requeue,
  sendOrder,
} from '../../main/core/telegram/outbox/scheduler';
import type { JobSpec, SchedulerState } from '../../main/core/telegram/outbox/scheduler';

const chat = (chatId: number, key: string, priority: JobSpec['priority'] = 'stream'): JobSpec => ({
  key,
  chatId,
  countsTowardChat: true,
  priority,
});

function add(state: SchedulerState, ...specs: JobSpec[]): SchedulerState {
  return specs.reduce((s, spec) => enqueue(s, spec).state, state);
}

/** Sends and completes everything sendable at `now`, one call after another. */
function sendAndComplete(state: SchedulerState, now: number) {
  const keys: string[] = [];
  for (let next = nextReady(state, now); next.kind === 'send'; next = nextReady(state, now)) {
    keys.push(next.entry.key);
    state = complete(next.state, next.entry.id);
  }
  return { state, keys };
}

/** Sends everything sendable at `now`; returns the state and the keys sent. */
function sendAll(state: SchedulerState, now: number) {
  const keys: string[] = [];
  for (let next = nextReady(state, now); next.kind === 'send'; next = nextReady(state, now)) {
    keys.push(next.entry.key);
    state = next.state;
  }
  return { state, keys };
}

describe('scheduler core', () => {
  it('reports none for an empty queue', () => {
    expect(nextReady(createState(), 0)).toEqual({ kind: 'none' });
  });

  it('does not mutate the state it is given', () => {
    const s0 = add(createState(), chat(1, 'a'), chat(1, 'b'));
    const snapshot = JSON.stringify(s0);
    const next = nextReady(s0, 0);
    expect(next.kind).toBe('send');
    pauseBucket(s0, chatBucket(1), 5000);
    enqueue(s0, chat(1, 'a', 'final'));
    expect(JSON.stringify(s0)).toBe(snapshot);
  });

  it('returns the wait until the chat interval has passed', () => {
    let s = add(createState(), chat(1, 'a'), chat(1, 'b'));
    const first = nextReady(s, 0);
    if (first.kind !== 'send') throw new Error('expected send');
    s = first.state;
    expect(nextReady(s, 0)).toEqual({ kind: 'none' }); // chat 1 busy: wait for completion
    s = { ...s, running: [] };
    expect(nextReady(s, 250)).toEqual({ kind: 'wait', waitMs: 750 });
    const second = nextReady(s, 1000);
    expect(second.kind === 'send' && second.entry.key).toBe('b');
  });

  it('computes when a group window frees up', () => {
    let s = createState({
      chatIntervalMs: 0,
      groupPerMinute: 3,
      groupWindowMs: 60_000,
      groupStreamHeadroom: 0,
      groupInteractiveReserve: 0,
    });
    s = add(s, chat(-9, 'a'), chat(-9, 'b'), chat(-9, 'c'), chat(-9, 'd'));
    for (const [t, id] of [
      [0, 1],
      [10, 2],
      [20, 3],
    ] as const) {
      s = { ...markSent(s, id, t), running: [] };
    }
    const d = s.waiting[0]!;
    expect(readyAt(s, d, 30)).toBe(60_000);
    expect(nextReady(s, 30)).toEqual({ kind: 'wait', waitMs: 59_970 });
  });

  it('lets streaming edits leave room for the prompts and finals queued in the group, plus headroom', () => {
    let s = createState({
      chatIntervalMs: 0,
      groupPerMinute: 6,
      groupWindowMs: 60_000,
      groupStreamHeadroom: 2,
      groupInteractiveReserve: 0,
    });
    s = add(s, chat(-9, 'r1', 'interactive'), chat(-9, 'r2', 'interactive'));
    s = sendAndComplete(s, 0).state;
    // 2 of 6 used, 2 kept as headroom: one stream edit may go now…
    s = add(s, chat(-9, 's1'));
    expect(readyAt(s, s.waiting[0]!, 0)).toBe(0);
    // …but not once a final answer and a prompt are queued for the group: they are due first.
    s = add(s, chat(-9, 'final', 'final'), chat(-9, 'prompt', 'prompt'));
    expect(
      readyAt(
        s,
        s.waiting.find((e) => e.key === 's1')!,
        0,
      ),
    ).toBe(60_000);
    expect(sendAndComplete(s, 0).keys).toEqual(['prompt', 'final']);
  });

  it('lets prompts and finals take every slot of the window, command replies all but a reserve', () => {
    let s = createState({ chatIntervalMs: 0, groupWindowMs: 60_000 });
    s = add(s, ...Array.from({ length: 16 }, (_, i) => chat(-9, `r${i}`, 'interactive')));
    s = sendAndComplete(s, 0).state;
    s = add(s, chat(-9, 'late reply', 'interactive'));
    s = add(s, ...Array.from({ length: 4 }, (_, i) => chat(-9, `f${i}`, 'final')));
    const { keys, state } = sendAndComplete(s, 0);
    expect(keys).toEqual(['f0', 'f1', 'f2', 'f3']);
    expect(readyAt(state, state.waiting[0]!, 0)).toBe(60_000);
  });

  it('spaces streaming edits in a group evenly, shared round-robin by its topics', () => {
    // 20 a minute, 4 kept as headroom: 16 edits a minute, one every 3.75 s for the whole group.
    let s = createState({ groupWindowMs: 60_000 });
    const starts: Record<string, number[]> = { a: [], b: [] };
    for (let now = 0; now <= 60_000; now += 250) {
      s = { ...s, running: [] };
      for (const topic of ['a', 'b']) {
        if (!s.waiting.some((e) => e.key === topic)) s = add(s, chat(-9, topic));
      }
      const next = nextReady(s, now);
      if (next.kind !== 'send') continue;
      starts[next.entry.key]!.push(now);
      s = next.state;
    }
    expect(starts['a']).toEqual([0, 7500, 15_000, 22_500, 30_000, 37_500, 45_000, 52_500, 60_000]);
    expect(starts['b']).toEqual([3750, 11_250, 18_750, 26_250, 33_750, 41_250, 48_750, 56_250]);
  });

  it('refunds a call that made no request: it no longer counts in the chat, the group or the bot', () => {
    let s = createState({ groupWindowMs: 60_000 });
    s = add(s, chat(-9, 'edit'), chat(-9, 'reply', 'interactive'));
    const first = nextReady(s, 0);
    if (first.kind !== 'send') throw new Error('expected send');
    expect(first.entry.key).toBe('reply');
    s = complete(first.state, first.entry.id);
    const edit = nextReady(s, 1000);
    if (edit.kind !== 'send') throw new Error('expected send');
    s = refund(edit.state, edit.entry.id);
    expect(s.groupSends['-9']).toEqual([0]);
    expect(s.lastChatSend['-9']).toBeUndefined();
    expect(s.globalSends).toEqual([]);
    expect(s.lastGroupStream).toEqual({});
    expect(refund(s, edit.entry.id)).toBe(s);
  });

  it('skips a chat without budget and sends another chat', () => {
    let s = add(createState(), chat(1, 'a', 'interactive'), chat(1, 'b', 'interactive'));
    s = add(s, chat(2, 'c'));
    const r = sendAll(s, 0);
    expect(r.keys).toEqual(['a', 'c']);
  });

  it('coalesces into the waiting entry: same id, higher priority', () => {
    const s0 = add(createState(), chat(1, 'x'), chat(1, 'e'));
    const r = enqueue(s0, chat(1, 'e', 'final'));
    expect(r).toMatchObject({ id: 2, coalesced: true, replacesRun: true });
    expect(r.state.waiting.map((e) => [e.id, e.key, e.priority])).toEqual([
      [1, 'x', 'stream'],
      [2, 'e', 'final'],
    ]);
    expect(sendOrder(r.state.waiting).map((e) => e.key)).toEqual(['e', 'x']);
    // A late stream edit does not replace a waiting final's content.
    expect(enqueue(r.state, chat(1, 'e', 'stream'))).toMatchObject({ replacesRun: false });
  });

  it('requeue keeps the position and absorbs a same-key entry queued meanwhile', () => {
    let s = add(createState(), chat(1, 'k'), chat(2, 'other'));
    const first = nextReady(s, 0);
    if (first.kind !== 'send') throw new Error('expected send');
    s = add(first.state, chat(1, 'k', 'final'));
    expect(s.waiting.map((e) => e.id)).toEqual([2, 3]);
    const r = requeue(s, 1, { notBefore: 2000, attempts: 1 });
    expect(r).toMatchObject({ absorbedId: 3, absorbedWins: true });
    expect(r.state.running).toEqual([]);
    expect(r.state.waiting.map((e) => [e.id, e.priority, e.notBefore, e.attempts])).toEqual([
      [1, 'final', 2000, 1],
      [2, 'stream', 0, 0],
    ]);
  });

  it('never starts a second entry for a key that is running, even without a chat', () => {
    const spec: JobSpec = { key: 'setMyCommands', countsTowardChat: false, priority: 'final' };
    let s = add(createState(), spec);
    const first = nextReady(s, 0);
    if (first.kind !== 'send') throw new Error('expected send');
    s = enqueue(first.state, spec).state;
    expect(s.waiting).toHaveLength(1);
    expect(nextReady(s, 5000)).toEqual({ kind: 'none' });
    expect(nextReady({ ...s, running: [] }, 5000).kind).toBe('send');
  });

  it('pauses a bucket without ever shortening a pause', () => {
    let s = pauseBucket(createState(), globalBucket, 5000);
    s = pauseBucket(s, globalBucket, 3000);
    expect(s.pausedUntil).toEqual({ global: 5000 });
    s = add(s, { key: 'cmd', countsTowardChat: false, priority: 'interactive' });
    expect(nextReady(s, 1000)).toEqual({ kind: 'wait', waitMs: 4000 });
  });

  it('enforces the global rolling window', () => {
    let s = createState({ globalPerSecond: 3 });
    s = add(s, chat(1, 'a'), chat(2, 'b'), chat(3, 'c'), chat(4, 'd'));
    const r = sendAll(s, 100);
    expect(r.keys).toEqual(['a', 'b', 'c']);
    expect(nextReady(r.state, 100)).toEqual({ kind: 'wait', waitMs: 1000 });
  });

  it('computes capped exponential backoff with jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, defaultBackoff, 0));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(backoffDelay(1, defaultBackoff, 0.999)).toBe(1200);
    expect(backoffDelay(5, defaultBackoff, 1)).toBe(19_200);
    expect(backoffDelay(6, defaultBackoff, 1)).toBe(30_000);
  });
});
