import { describe, expect, it, vi } from 'vitest';
import { createOutbox, OutboxStoppedError } from '../../main/core/telegram/outbox/outbox';
import type { OutboxOptions, RetryInfo } from '../../main/core/telegram/outbox/outbox';
import { createFakeClock } from './fake-clock';
import {
  badRequest,
  createFakeTelegram,
  maxInWindow,
  networkDown,
  tooManyRequests,
} from './fake-telegram';
import type { Call } from './fake-telegram';

function setup(options: Omit<OutboxOptions, 'clock'> = {}, latencyMs = 0) {
  const clock = createFakeClock();
  const api = createFakeTelegram(clock, latencyMs);
  const outbox = createOutbox({ random: () => 0, ...options, clock });
  return { clock, api, outbox };
}

const startsFor = (calls: readonly Call[], chatId: number | undefined) =>
  calls.filter((c) => c.chatId === chatId).map((c) => c.at);

describe('per-chat interval', () => {
  it('spaces consecutive chat-bound calls to one chat by chatIntervalMs', async () => {
    const { clock, api, outbox } = setup();
    const done = Promise.all([1, 2, 3, 4, 5].map((i) => outbox.enqueue(api.send(1, `m${i}`))));
    await clock.settle(done);
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'm1'],
      [1000, 'm2'],
      [2000, 'm3'],
      [3000, 'm4'],
      [4000, 'm5'],
    ]);
  });

  it('measures the interval from send start, not from completion', async () => {
    const { clock, api, outbox } = setup({}, 300);
    const done = Promise.all([1, 2, 3].map((i) => outbox.enqueue(api.send(1, `m${i}`))));
    await clock.settle(done);
    expect(startsFor(api.calls, 1)).toEqual([0, 1000, 2000]);
  });

  it('honours a configured interval', async () => {
    const { clock, api, outbox } = setup({ limits: { chatIntervalMs: 2500 } });
    const done = Promise.all([1, 2, 3].map((i) => outbox.enqueue(api.send(1, `m${i}`))));
    await clock.settle(done);
    expect(startsFor(api.calls, 1)).toEqual([0, 2500, 5000]);
  });

  it('lets non-counting calls (typing) skip the chat interval', async () => {
    const { clock, api, outbox } = setup();
    const done = Promise.all([
      outbox.enqueue(api.send(1, 'hello')),
      outbox.enqueue(api.typing(1)),
      outbox.enqueue(api.send(1, 'again')),
    ]);
    await clock.settle(done);
    expect(api.calls.map((c) => [c.at, c.method])).toEqual([
      [0, 'sendMessage'],
      [0, 'sendChatAction'],
      [1000, 'sendMessage'],
    ]);
  });

  it('runs calls to one chat one at a time, different chats concurrently', async () => {
    const { clock, api, outbox } = setup({}, 1500);
    const done = Promise.all([
      outbox.enqueue(api.send(1, 'a')),
      outbox.enqueue(api.typing(1)),
      outbox.enqueue(api.send(2, 'b')),
      outbox.enqueue(api.send(3, 'c')),
    ]);
    await clock.settle(done);
    expect(api.calls.map((c) => [c.at, c.chatId, c.method])).toEqual([
      [0, 1, 'sendMessage'],
      [0, 2, 'sendMessage'],
      [0, 3, 'sendMessage'],
      [1500, 1, 'sendChatAction'],
    ]);
    expect(api.maxInFlightPerChat).toBe(1);
    expect(api.maxInFlight).toBe(3);
  });
});

describe('per-group budget', () => {
  // These pin Telegram's bare window (60 s, no slots reserved) to check the window arithmetic;
  // the defaults' margin and reserve are tested below.
  it('never exceeds 20 calls to one group per rolling minute (default interval)', async () => {
    const { clock, api, outbox } = setup({
      limits: { groupWindowMs: 60_000, groupInteractiveReserve: 0 },
    });
    const jobs = Array.from({ length: 21 }, (_, i) => outbox.enqueue(api.send(-100, `m${i}`)));
    await clock.settle(Promise.all(jobs));
    const times = startsFor(api.calls, -100);
    expect(times).toEqual([...Array.from({ length: 20 }, (_, i) => i * 1000), 60_000]);
    expect(maxInWindow(times, 60_000)).toBe(20);
  });

  it('holds the 21st call until the first leaves the window, even without a chat interval', async () => {
    const { clock, api, outbox } = setup({
      limits: { chatIntervalMs: 0, groupWindowMs: 60_000, groupInteractiveReserve: 0 },
    });
    const jobs = Array.from({ length: 25 }, (_, i) => outbox.enqueue(api.send(-100, `m${i}`)));
    await clock.settle(Promise.all(jobs));
    const times = startsFor(api.calls, -100);
    expect(times).toEqual([...Array<number>(20).fill(0), ...Array<number>(5).fill(60_000)]);
    expect(maxInWindow(times, 60_000)).toBe(20);
  });

  it('does not charge private chats (positive ids) against the group budget', async () => {
    const { clock, api, outbox } = setup({ limits: { chatIntervalMs: 0 } });
    const jobs = Array.from({ length: 25 }, (_, i) => outbox.enqueue(api.send(42, `m${i}`)));
    await clock.settle(Promise.all(jobs));
    expect(startsFor(api.calls, 42)).toEqual(Array<number>(25).fill(0));
  });

  it('does not let an exhausted group block another chat', async () => {
    const { clock, api, outbox } = setup({
      limits: { chatIntervalMs: 0, groupWindowMs: 60_000, groupInteractiveReserve: 0 },
    });
    const group = Array.from({ length: 21 }, (_, i) => outbox.enqueue(api.send(-100, `g${i}`)));
    await clock.advance(10_000);
    const other = outbox.enqueue(api.send(7, 'private'));
    await clock.settle(other);
    expect(api.calls.at(-1)).toMatchObject({ at: 10_000, chatId: 7 });
    await clock.settle(Promise.all(group));
    expect(api.calls.at(-1)).toMatchObject({ at: 60_000, chatId: -100, text: 'g20' });
  });
});

describe('calls that make no request', () => {
  it('cost no budget: an edit whose text is already shown leaves the group window and the chat free', async () => {
    const { clock, api, outbox } = setup({ limits: { groupWindowMs: 60_000 } });
    const skipped = Array.from({ length: 30 }, (_, i) =>
      outbox.enqueue({
        ...api.edit(-100, i + 1, 'unchanged'),
        run: (call) => Promise.resolve(call.notSent()),
      }),
    );
    await clock.settle(Promise.all(skipped));
    // Telegram saw nothing, so a reply goes at once, and so do 15 more before the window is full.
    const replies = Array.from({ length: 16 }, (_, i) => outbox.enqueue(api.send(-100, `r${i}`)));
    await clock.settle(Promise.all(replies));
    expect(startsFor(api.calls, -100)).toEqual(Array.from({ length: 16 }, (_, i) => i * 1000));
    expect(outbox.stats().sent).toBe(16);
  });
});

describe('group budget defaults', () => {
  it('keeps a second of margin on the window and four slots a minute for prompts only', async () => {
    const { clock, api, outbox } = setup({ limits: { chatIntervalMs: 0 } });
    const replies = Array.from({ length: 20 }, (_, i) => outbox.enqueue(api.send(-100, `r${i}`)));
    await clock.advance(100);
    // 16 replies went out; the last four slots of the window are kept for prompts.
    expect(startsFor(api.calls, -100)).toEqual(Array<number>(16).fill(0));
    const prompt = outbox.enqueue({ ...api.send(-100, 'permission?'), priority: 'prompt' });
    await clock.settle(prompt);
    expect(api.calls.at(-1)).toMatchObject({ at: 100, text: 'permission?' });
    await clock.settle(Promise.all(replies));
    // The rest wait for the window plus its margin: 61 s, not 60.
    expect(startsFor(api.calls, -100).slice(-4)).toEqual([61_000, 61_000, 61_000, 61_000]);
  });
});

describe('global budget', () => {
  it('never exceeds 30 calls per rolling second across 100 chats', async () => {
    const { clock, api, outbox } = setup();
    const jobs = Array.from({ length: 100 }, (_, i) => outbox.enqueue(api.send(i + 1, 'hi')));
    await clock.settle(Promise.all(jobs));
    const times = api.calls.map((c) => c.at);
    expect(times).toHaveLength(100);
    expect(maxInWindow(times, 1000)).toBe(30);
    const perSecond = [0, 1000, 2000, 3000].map((t) => times.filter((x) => x === t).length);
    expect(perSecond).toEqual([30, 30, 30, 10]);
  });

  it('caps calls in flight and still respects the rolling second with slow calls', async () => {
    const { clock, api, outbox } = setup({}, 50);
    const jobs = Array.from({ length: 100 }, (_, i) => outbox.enqueue(api.send(i + 1, 'hi')));
    await clock.settle(Promise.all(jobs));
    expect(api.calls).toHaveLength(100);
    expect(
      maxInWindow(
        api.calls.map((c) => c.at),
        1000,
      ),
    ).toBe(30);
    expect(api.maxInFlight).toBe(8);
  });

  it('counts non-chat calls (setMyCommands) toward the global budget', async () => {
    const { clock, api, outbox } = setup({ limits: { globalPerSecond: 2 } });
    const jobs = ['a', 'b', 'c', 'd', 'e'].map((t) => outbox.enqueue(api.global(t)));
    await clock.settle(Promise.all(jobs));
    expect(api.calls.map((c) => c.at)).toEqual([0, 0, 1000, 1000, 2000]);
  });
});

describe('coalescing', () => {
  it('turns 50 edits of one message queued during one interval into 1 call with the newest text', async () => {
    const { clock, api, outbox } = setup();
    const first = outbox.enqueue(api.edit(1, 9, 'v0'));
    await clock.settle(first);
    const edits: Promise<Call>[] = [];
    for (let i = 1; i <= 50; i++) {
      edits.push(outbox.enqueue(api.edit(1, 9, `v${i}`)));
      await clock.advance(10); // spread over the interval: t = 10 … 500
    }
    await clock.settle(Promise.all(edits));
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'v0'],
      [1000, 'v50'],
    ]);
    // Every caller settles with the one execution's result.
    const results = await Promise.all(edits);
    expect(new Set(results.map((r) => r.n))).toEqual(new Set([2]));
    expect(outbox.stats()).toMatchObject({ sent: 2, coalesced: 49, queued: 0, inFlight: 0 });
  });

  it('coalesces edits enqueued in the same tick before anything is sent', async () => {
    const { clock, api, outbox } = setup();
    const edits = Array.from({ length: 50 }, (_, i) => outbox.enqueue(api.edit(1, 9, `v${i}`)));
    await clock.settle(Promise.all(edits));
    expect(api.calls.map((c) => c.text)).toEqual(['v49']);
  });

  it('keeps the earlier queue position and takes the higher priority', async () => {
    const { clock, api, outbox } = setup();
    await clock.settle(outbox.enqueue(api.send(1, 'warm-up')));
    const jobs = [
      outbox.enqueue(api.edit(1, 1, 'a1')),
      outbox.enqueue(api.edit(1, 2, 'b1')),
      outbox.enqueue(api.edit(1, 2, 'b2', 'final')),
      outbox.enqueue(api.edit(1, 1, 'a2')),
    ];
    await clock.settle(Promise.all(jobs));
    // b went to 'final' so it overtakes a; a kept one slot with its newest text.
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'warm-up'],
      [1000, 'b2'],
      [2000, 'a2'],
    ]);
  });

  it('never runs two calls for the same key at once; a later one waits behind', async () => {
    const { clock, api, outbox } = setup({}, 1500);
    const first = outbox.enqueue(api.edit(1, 9, 'v1'));
    await clock.advance(100);
    const second = outbox.enqueue(api.edit(1, 9, 'v2'));
    await clock.settle(Promise.all([first, second]));
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'v1'],
      [1500, 'v2'],
    ]);
    expect((await first).n).toBe(1);
    expect((await second).n).toBe(2);
    expect(api.maxInFlightPerChat).toBe(1);
  });
});

describe('priority', () => {
  it('sends an interactive job queued behind 10 stream edits in the same chat first', async () => {
    const { clock, api, outbox } = setup();
    await clock.settle(outbox.enqueue(api.send(1, 'start')));
    const edits = Array.from({ length: 10 }, (_, i) => outbox.enqueue(api.edit(1, i + 1, `e${i}`)));
    const prompt = outbox.enqueue(api.send(1, 'Allow?', 'interactive'));
    await clock.settle(Promise.all([...edits, prompt]));
    expect(api.calls[1]).toMatchObject({ at: 1000, text: 'Allow?' });
    expect(api.calls.slice(2).map((c) => c.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `e${i}`),
    );
    expect(api.calls.at(-1)?.at).toBe(11_000);
  });

  it('sends final before stream, interactive before final', async () => {
    const { clock, api, outbox } = setup();
    await clock.settle(outbox.enqueue(api.send(1, 'start')));
    const jobs = [
      outbox.enqueue(api.edit(1, 1, 'stream', 'stream')),
      outbox.enqueue(api.send(1, 'final', 'final')),
      outbox.enqueue(api.send(1, 'interactive', 'interactive')),
    ];
    await clock.settle(Promise.all(jobs));
    expect(api.calls.map((c) => c.text)).toEqual(['start', 'interactive', 'final', 'stream']);
  });
});

describe('rate-limit answers (429)', () => {
  it('pauses only that chat, retries the same job after exactly retry_after', async () => {
    const onRateLimited = vi.fn();
    const { clock, api, outbox } = setup({ onRateLimited });
    api.failWith = (c) => (c.n === 1 ? tooManyRequests(3) : undefined);
    const a = outbox.enqueue(api.send(1, 'a'));
    const b = outbox.enqueue(api.send(1, 'b'));
    const others = [0, 1, 2, 3, 4].map((i) => outbox.enqueue(api.send(2, `o${i}`)));
    await clock.settle(Promise.all([a, b, ...others]));

    expect(api.calls.filter((c) => c.chatId === 1).map((c) => [c.at, c.text])).toEqual([
      [0, 'a'],
      [3000, 'a'],
      [4000, 'b'],
    ]);
    expect(startsFor(api.calls, 2)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect((await a).at).toBe(3000);
    expect(onRateLimited).toHaveBeenCalledTimes(1);
    expect(onRateLimited).toHaveBeenCalledWith(1, 3);
    expect(outbox.stats()).toMatchObject({ rateLimited: 1, retries: 0, sent: 7 });
  });

  it('also holds typing actions for the paused chat', async () => {
    const { clock, api, outbox } = setup();
    api.failWith = (c) => (c.n === 1 ? tooManyRequests(5) : undefined);
    const a = outbox.enqueue(api.send(1, 'a'));
    await clock.advance(0);
    const typing = outbox.enqueue(api.typing(1));
    await clock.settle(Promise.all([a, typing]));
    expect(api.calls.map((c) => [c.at, c.method])).toEqual([
      [0, 'sendMessage'],
      [5000, 'sendMessage'],
      [5000, 'sendChatAction'],
    ]);
  });

  it('pauses everything when a call bound to no chat gets a 429', async () => {
    const onRateLimited = vi.fn();
    const { clock, api, outbox } = setup({ onRateLimited });
    api.failWith = (c) => (c.n === 1 ? tooManyRequests(2) : undefined);
    const cmds = outbox.enqueue(api.global('commands'));
    await clock.advance(0);
    const msg = outbox.enqueue(api.send(5, 'x'));
    await clock.settle(Promise.all([cmds, msg]));
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'commands'],
      [2000, 'commands'],
      [2000, 'x'],
    ]);
    expect(onRateLimited).toHaveBeenCalledWith(undefined, 2);
  });
});

describe('transient errors', () => {
  it('retries with exponential backoff and delivers the latest content when the outage ends', async () => {
    const onRetry = vi.fn<(info: RetryInfo) => void>();
    const { clock, api, outbox } = setup({ onRetry });
    api.failWith = (c) => (c.at < 10_000 ? networkDown() : undefined);
    const p1 = outbox.enqueue(api.edit(1, 7, 'v1'));
    await clock.advance(500);
    const p2 = outbox.enqueue(api.edit(1, 7, 'v2'));
    await clock.advance(4500); // t = 5000
    const p3 = outbox.enqueue(api.edit(1, 7, 'v3'));
    await clock.settle(Promise.all([p1, p2, p3]));

    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'v1'],
      [1000, 'v2'],
      [3000, 'v2'],
      [7000, 'v3'],
      [15_000, 'v3'],
    ]);
    const results = await Promise.all([p1, p2, p3]);
    expect(results.map((r) => r.n)).toEqual([5, 5, 5]);
    expect(onRetry.mock.calls.map(([info]) => [info.attempt, info.delayMs])).toEqual([
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
    ]);
    expect(outbox.stats()).toMatchObject({ sent: 1, retries: 4, coalesced: 2, failed: 0 });
  });

  it('caps the backoff at 30 s and keeps retrying until stop()', async () => {
    const { clock, api, outbox } = setup();
    api.failWith = () => networkDown();
    const job = outbox.enqueue(api.send(1, 'x'));
    const outcome = job.catch((error: unknown) => error);
    await clock.advance(600_000);
    const starts = api.calls.map((c) => c.at / 1000);
    expect(starts.slice(0, 8)).toEqual([0, 1, 3, 7, 15, 31, 61, 91]);
    expect(starts.at(-1)).toBe(571);
    expect(starts).toHaveLength(24);
    outbox.stop();
    expect(await outcome).toBeInstanceOf(OutboxStoppedError);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('adds jitter from the injected random source', async () => {
    const { clock, api, outbox } = setup({ random: () => 0.5 });
    api.failWith = (c) => (c.n === 1 ? networkDown() : undefined);
    await clock.settle(outbox.enqueue(api.send(1, 'x')));
    expect(api.calls.map((c) => c.at)).toEqual([0, 1100]); // 1000 · (1 + 0.2 · 0.5)
  });

  it('folds a same-key job queued during the failed call into the retry', async () => {
    const { clock, api, outbox } = setup({}, 500);
    api.failWith = (c) => (c.n === 1 ? networkDown() : undefined);
    const p1 = outbox.enqueue(api.edit(1, 7, 'v1'));
    await clock.advance(100);
    const p2 = outbox.enqueue(api.edit(1, 7, 'v2'));
    await clock.settle(Promise.all([p1, p2]));
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'v1'],
      [1500, 'v2'],
    ]);
    expect([(await p1).n, (await p2).n]).toEqual([2, 2]);
  });
});

describe('fatal errors', () => {
  it('rejects only that job', async () => {
    const { clock, api, outbox } = setup();
    const parseError = badRequest("Bad Request: can't parse entities");
    api.failWith = (c) => (c.text === 'bad' ? parseError : undefined);
    const bad = outbox.enqueue(api.send(1, 'bad'));
    const badOutcome = bad.catch((error: unknown) => error);
    const good = outbox.enqueue(api.send(1, 'good'));
    const other = outbox.enqueue(api.send(2, 'other'));
    await clock.settle(Promise.all([good, other]));
    expect(await badOutcome).toBe(parseError);
    expect((await good).at).toBe(1000);
    expect((await other).at).toBe(0);
    expect(api.calls).toHaveLength(3);
    expect(outbox.stats()).toMatchObject({ sent: 2, failed: 1, retries: 0 });
  });

  it('rejects every caller coalesced into the failed call', async () => {
    const { clock, api, outbox } = setup();
    api.failWith = (c) => (c.text === 'v2' ? badRequest('message is not modified') : undefined);
    await clock.settle(outbox.enqueue(api.edit(1, 3, 'v0')));
    const p1 = outbox.enqueue(api.edit(1, 3, 'v1')).catch((e: unknown) => e);
    const p2 = outbox.enqueue(api.edit(1, 3, 'v2')).catch((e: unknown) => e);
    await clock.settle(Promise.all([p1, p2]));
    expect([await p1, await p2].map((e) => (e as Error).message)).toEqual([
      'message is not modified',
      'message is not modified',
    ]);
  });
});

describe('final jobs', () => {
  it('are not overwritten by a late stream edit of the same message', async () => {
    const { clock, api, outbox } = setup();
    await clock.settle(outbox.enqueue(api.edit(1, 4, 's0')));
    const jobs = [
      outbox.enqueue(api.edit(1, 4, 's1')),
      outbox.enqueue(api.edit(1, 4, 'FINAL', 'final')),
      outbox.enqueue(api.edit(1, 4, 's2 (late)')),
    ];
    await clock.settle(Promise.all(jobs));
    expect(api.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 's0'],
      [1000, 'FINAL'],
    ]);
  });

  it('are delivered through a 429, an outage and a flood of stream edits', async () => {
    const { clock, api, outbox } = setup();
    api.failWith = (c) => {
      if (c.n === 1) return tooManyRequests(4);
      if (c.text === 'FINAL' && c.at < 8000) return networkDown();
      return undefined;
    };
    const final = outbox.enqueue(api.send(1, 'FINAL', 'final'));
    const stream = Array.from({ length: 30 }, (_, i) => outbox.enqueue(api.edit(1, i, `e${i}`)));
    await clock.settle(Promise.all([final, ...stream]));
    const finals = api.calls.filter((c) => c.text === 'FINAL').map((c) => c.at);
    // 429 at 0 → paused to 4000 → down; backoff 1 s → 5000 → down; 2 s → 7000 → down; 4 s → 11000.
    // Stream edits only get the slots the final's backoff leaves free.
    expect(finals).toEqual([0, 4000, 5000, 7000, 11_000]);
    expect(api.calls.filter((c) => c.at < 11_000 && c.text !== 'FINAL').map((c) => c.at)).toEqual([
      6000, 8000, 9000, 10_000,
    ]);
    expect(await final).toMatchObject({ at: 11_000, text: 'FINAL' });
    expect(api.calls).toHaveLength(35);
    expect(maxInWindow(startsFor(api.calls, 1), 1000)).toBe(1);
  });
});

describe('lifecycle', () => {
  it('stop() rejects waiting jobs, lets the in-flight call settle and clears timers', async () => {
    const { clock, api, outbox } = setup({}, 500);
    const running = outbox.enqueue(api.send(1, 'a'));
    const waiting = outbox.enqueue(api.send(1, 'b')).catch((e: unknown) => e);
    const elsewhere = outbox.enqueue(api.send(-5, 'c'));
    await clock.advance(100);
    const backedOff = outbox.enqueue(api.send(2, 'd')).catch((e: unknown) => e);
    outbox.stop();
    expect(await waiting).toBeInstanceOf(OutboxStoppedError);
    expect(await backedOff).toBeInstanceOf(OutboxStoppedError);
    await expect(outbox.enqueue(api.send(3, 'late'))).rejects.toBeInstanceOf(OutboxStoppedError);
    await clock.settle(Promise.all([running, elsewhere]));
    expect((await running).text).toBe('a');
    expect(api.calls.map((c) => c.text)).toEqual(['a', 'c']);
    await outbox.idle();
    expect(clock.pendingTimers()).toBe(0);
    expect(outbox.stats()).toMatchObject({ queued: 0, inFlight: 0, sent: 2 });
  });

  it('idle() resolves only once nothing is queued or running', async () => {
    const { clock, api, outbox } = setup();
    await outbox.idle(); // nothing yet
    const jobs = [1, 2, 3].map((i) => outbox.enqueue(api.send(1, `m${i}`)));
    let idleAt: number | undefined;
    void outbox.idle().then(() => (idleAt = clock.now()));
    await clock.advance(1500);
    expect(idleAt).toBeUndefined();
    expect(outbox.stats()).toMatchObject({ queued: 1, sent: 2 });
    await clock.advance(1000);
    expect(idleAt).toBe(2000);
    await Promise.all(jobs);
  });

  it('survives a throwing observer hook', async () => {
    const { clock, api, outbox } = setup({
      onRetry: () => {
        throw new Error('logger broke');
      },
    });
    api.failWith = (c) => (c.n === 1 ? networkDown() : undefined);
    await clock.settle(outbox.enqueue(api.send(1, 'x')));
    expect(api.calls.map((c) => c.at)).toEqual([0, 1000]);
  });
});
