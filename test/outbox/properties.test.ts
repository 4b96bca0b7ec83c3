// Property tests of the outbox on the fake clock: whatever jobs arrive (edits of several messages,
// a reply plus an edit, prompts, finals, typing, calls bound to no chat, edits that turn out to
// make no request) and whatever Telegram answers (429 with retry_after, network errors, 400s),
// Telegram never sees two message calls in one chat closer than the interval, more than 20 in a
// group in any 60 s, or more than 30 calls in any second.
import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../main/core/telegram/outbox/outbox';
import type { OutboxJob } from '../../main/core/telegram/outbox/outbox';
import type { Priority } from '../../main/core/telegram/outbox/scheduler';
import { rng } from '../format/prng';
import type { Rng } from '../format/prng';
import { createFakeClock } from './fake-clock';
import type { FakeClock } from './fake-clock';
import { badRequest, maxInWindow, networkDown, tooManyRequests } from './fake-telegram';

const CHATS = [7, 8, -100, -200];
const PRIORITIES: readonly Priority[] = ['prompt', 'interactive', 'final', 'stream'];

interface Seen {
  at: number;
  chatId: number | undefined;
  /** A message call: counted by Telegram per chat and per group. */
  message: boolean;
}

/** A Bot API stand-in whose answers and latencies come from the seeded generator. */
function telegram(clock: FakeClock, r: Rng) {
  const seen: Seen[] = [];
  let unique = 0;
  const call = (chatId: number | undefined, message: boolean): Promise<void> => {
    seen.push({ at: clock.now(), chatId, message });
    const roll = r.next();
    const error =
      roll < 0.08
        ? tooManyRequests(1 + r.int(3))
        : roll < 0.12
          ? networkDown()
          : roll < 0.14
            ? badRequest('Bad Request: message to edit not found')
            : undefined;
    const latency = r.pick([0, 0, 5, 40, 300, 1200]);
    return new Promise((resolve, reject) => {
      clock.setTimeout(() => (error ? reject(error) : resolve()), latency);
    });
  };
  const job = (): OutboxJob<void> => {
    const chatId = r.pick(CHATS);
    const priority = r.pick(PRIORITIES);
    const kind = r.pick(['edit', 'edit', 'send', 'typing', 'global', 'unchanged'] as const);
    switch (kind) {
      case 'edit':
        return {
          key: `edit:${chatId}:${1 + r.int(3)}`,
          chatId,
          countsTowardChat: true,
          priority,
          run: () => call(chatId, true),
        };
      case 'unchanged':
        // An edit that finds its text already shown, some of the time.
        return {
          key: `edit:${chatId}:${1 + r.int(3)}`,
          chatId,
          countsTowardChat: true,
          priority,
          run: (control) => {
            if (r.chance(0.5)) return Promise.resolve(control.notSent());
            return call(chatId, true);
          },
        };
      case 'send':
        return {
          key: `send:${++unique}`,
          chatId,
          countsTowardChat: true,
          priority,
          run: () => call(chatId, true),
        };
      case 'typing':
        return {
          key: `typing:${chatId}`,
          chatId,
          countsTowardChat: false,
          priority: 'stream',
          run: () => call(chatId, false),
        };
      case 'global':
        return {
          key: `global:${++unique}`,
          countsTowardChat: false,
          priority,
          run: () => call(undefined, false),
        };
    }
  };
  return { seen, job };
}

/** Smallest gap between two message calls to one chat, or Infinity. */
function closestInChat(seen: readonly Seen[], chatId: number): number {
  const times = seen.filter((s) => s.message && s.chatId === chatId).map((s) => s.at);
  let closest = Infinity;
  for (let i = 1; i < times.length; i++) closest = Math.min(closest, times[i]! - times[i - 1]!);
  return closest;
}

async function run(seed: number, intervalMs: number) {
  const r = rng(seed);
  const clock = createFakeClock(1_000_000);
  const api = telegram(clock, r);
  const outbox = createOutbox({
    clock,
    random: () => r.next(),
    limits: { chatIntervalMs: intervalMs },
  });
  const pending: Promise<unknown>[] = [];
  for (let step = 0; step < 80; step++) {
    await clock.advance(r.pick([0, 0, 10, 300, 999, 1000, 1001, 2500]));
    const burst = 1 + r.int(4);
    for (let i = 0; i < burst; i++) pending.push(outbox.enqueue(api.job()).catch(() => undefined));
  }
  await clock.settle(Promise.all(pending));
  outbox.stop();
  return api.seen;
}

describe('outbox properties', () => {
  it('never sends two message calls to one chat closer than the interval, whatever happens', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const intervalMs = [1000, 1000, 700, 1500][seed % 4]!;
      const seen = await run(seed, intervalMs);
      for (const chatId of CHATS) {
        expect(closestInChat(seen, chatId), `seed ${seed}, chat ${chatId}`).toBeGreaterThanOrEqual(
          intervalMs,
        );
      }
    }
  });

  it('never exceeds 20 message calls in a group in any 60 s, nor 30 calls in any second', async () => {
    for (let seed = 1000; seed < 1100; seed++) {
      const seen = await run(seed, 1000);
      for (const chatId of CHATS.filter((c) => c < 0)) {
        const times = seen.filter((s) => s.message && s.chatId === chatId).map((s) => s.at);
        expect(maxInWindow(times, 60_000), `seed ${seed}, group ${chatId}`).toBeLessThanOrEqual(20);
      }
      expect(
        maxInWindow(
          seen.map((s) => s.at),
          1000,
        ),
        `seed ${seed}`,
      ).toBeLessThanOrEqual(30);
    }
  });
});
