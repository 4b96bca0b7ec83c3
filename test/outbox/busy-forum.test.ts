// Issue 10, "a busy forum never starves its answers": topics streaming at once in one group share
// Telegram's 20 message calls a minute, and a turn that ends gets its final text and notice out at
// once whenever Telegram's own count for the last 60 s has room. Runs on the fake clock.
import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../main/core/telegram/outbox/outbox';
import type { OutboxOptions } from '../../main/core/telegram/outbox/outbox';
import { createFakeClock } from './fake-clock';
import type { FakeClock } from './fake-clock';
import { createFakeTelegram } from './fake-telegram';
import type { Call, FakeTelegram } from './fake-telegram';

const GROUP = -100;

function setup(options: Omit<OutboxOptions, 'clock'> = {}) {
  const clock = createFakeClock();
  const api = createFakeTelegram(clock);
  const outbox = createOutbox({ random: () => 0, ...options, clock });
  return { clock, api, outbox };
}

type Outbox = ReturnType<typeof createOutbox>;

/**
 * One topic's turn as the live turn drives it: a reply placeholder, then an edit always waiting
 * (every streamed event asks for one; they coalesce), until `finish` sends the final text into
 * the same message and then the notice.
 */
function topicTurn(outbox: Outbox, api: FakeTelegram, clock: FakeClock, messageId: number) {
  let streaming = true;
  let version = 0;
  const stream = async (): Promise<void> => {
    while (streaming)
      await outbox.enqueue(api.edit(GROUP, messageId, `m${messageId} v${++version}`));
  };
  const placeholder = outbox.enqueue(api.send(GROUP, `m${messageId} ⏳`));
  // Settles when streaming stops; a stopped outbox ends it too.
  const streamed = placeholder.then(stream).catch(() => undefined);
  return {
    streamed,
    async finish(): Promise<{ endedAt: number; final: Call; notice: Call }> {
      const endedAt = clock.now();
      streaming = false;
      const final = await outbox.enqueue(
        api.edit(GROUP, messageId, `m${messageId} FINAL`, 'final'),
      );
      const notice = await outbox.enqueue(api.send(GROUP, `m${messageId} ✅ Done`, 'final'));
      return { endedAt, final, notice };
    },
  };
}

/** Message calls Telegram saw in the group in the 60 s up to and including `at`. */
const telegramCount = (calls: readonly Call[], at: number) =>
  calls.filter(
    (c) => c.chatId === GROUP && c.method !== 'sendChatAction' && c.at > at - 60_000 && c.at <= at,
  ).length;

/** Longest stretch without an edit of `messageId` between its first edit and `until`. */
function longestEditGap(calls: readonly Call[], messageId: number, until: number): number {
  const times = calls
    .filter((c) => c.method === 'editMessageText' && c.text.startsWith(`m${messageId} v`))
    .map((c) => c.at);
  let gap = 0;
  for (let i = 1; i <= times.length; i++) gap = Math.max(gap, (times[i] ?? until) - times[i - 1]!);
  return gap;
}

describe('a busy forum', () => {
  it('sends a finished turn its final text and notice within 2 s while the group has room', async () => {
    const { clock, api, outbox } = setup();
    // Two sessions open their topics (a topic call each), then stream at once.
    await clock.settle(
      Promise.all([
        outbox.enqueue(api.send(GROUP, 'createForumTopic A')),
        outbox.enqueue(api.send(GROUP, 'createForumTopic B')),
      ]),
    );
    const a = topicTurn(outbox, api, clock, 1);
    const b = topicTurn(outbox, api, clock, 2);
    await clock.advance(30_000);
    const endA = a.finish();
    await clock.settle(endA);
    const doneA = await endA;
    expect(telegramCount(api.calls, doneA.endedAt)).toBeLessThan(20);
    expect(doneA.final.at - doneA.endedAt).toBeLessThanOrEqual(2000);
    expect(doneA.notice.at - doneA.endedAt).toBeLessThanOrEqual(2000);

    await clock.advance(15_000);
    const endB = b.finish();
    await clock.settle(endB);
    const doneB = await endB;
    expect(telegramCount(api.calls, doneB.endedAt)).toBeLessThan(20);
    expect(doneB.notice.at - doneB.endedAt).toBeLessThanOrEqual(2000);
    // B kept streaming all along: its text never froze for most of a minute.
    expect(longestEditGap(api.calls, 2, doneB.endedAt)).toBeLessThanOrEqual(10_000);
    await clock.settle(Promise.all([a.streamed, b.streamed]));
  });

  it('keeps the chat free for a turn that is ending: its notice goes within 2 s whenever the end falls', async () => {
    // OpenCode says a text part ended ~50 ms after the model's last word, and that the turn is over
    // a few hundred ms later; the final is read back from storage before it is sent.
    const worst: number[] = [];
    for (let offset = 0; offset < 4000; offset += 125) {
      const { clock, api, outbox } = setup();
      const a = topicTurn(outbox, api, clock, 1);
      topicTurn(outbox, api, clock, 2);
      await clock.advance(20_000 + offset);
      const endedAt = clock.now();
      outbox.holdStream(GROUP, 1500);
      await clock.advance(600);
      const end = a.finish();
      await clock.settle(end);
      const { notice } = await end;
      worst.push(notice.at - endedAt);
      outbox.stop();
    }
    expect(Math.max(...worst)).toBeLessThanOrEqual(2000);
  });
});
