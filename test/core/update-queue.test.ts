// The keyed queue that lets chats run side by side while each stays in order, and the offset that
// only passes updates once they and all before them are done.
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { KeyedUpdateQueue, orderKeyOf } from '../../main/core/telegram/update-queue';

function takeAll<T>(queue: KeyedUpdateQueue<T>): number[] {
  const ids: number[] = [];
  for (let next = queue.take(); next; next = queue.take()) ids.push(next.id);
  return ids;
}

describe('KeyedUpdateQueue', () => {
  it('runs different chats at once and one chat in order', () => {
    const queue = new KeyedUpdateQueue<string>(16);
    queue.add(1, 'a', 'a1');
    queue.add(2, 'a', 'a2');
    queue.add(3, 'b', 'b1');
    const first = queue.take()!;
    const second = queue.take()!;
    expect([first.id, second.id]).toEqual([1, 3]);
    // a2 waits for a1 even though it arrived before b1 finished.
    expect(queue.take()).toBeUndefined();
    queue.done(first);
    expect(queue.take()?.item).toBe('a2');
  });

  it('moves the offset only past a contiguous run of finished updates', () => {
    const queue = new KeyedUpdateQueue<null>(16, 10);
    expect(queue.offset).toBe(10);
    queue.add(10, 'a', null);
    queue.add(11, 'b', null);
    queue.add(12, 'c', null);
    const [a, b, c] = [queue.take()!, queue.take()!, queue.take()!];
    queue.done(c);
    queue.done(b);
    expect(queue.offset).toBe(10);
    queue.done(a);
    expect(queue.offset).toBe(13);
    expect(queue.size).toBe(0);
  });

  it('ignores an update it already has, running or done', () => {
    const queue = new KeyedUpdateQueue<null>(16);
    expect(queue.add(5, 'a', null)).toBe(true);
    const five = queue.take()!;
    expect(queue.add(5, 'a', null)).toBe(false);
    queue.done(five);
    expect(queue.add(5, 'a', null)).toBe(false);
    expect(queue.add(4, 'a', null)).toBe(false);
    expect(queue.add(6, 'a', null)).toBe(true);
    expect(queue.size).toBe(1);
  });

  it('skips updates below the saved offset it started from', () => {
    const queue = new KeyedUpdateQueue<null>(16, 100);
    expect(queue.add(99, 'a', null)).toBe(false);
    expect(queue.offset).toBe(100);
  });

  it('runs at most maxRunning chats at once, the longest waiting first', () => {
    const queue = new KeyedUpdateQueue<null>(2);
    for (let id = 1; id <= 4; id++) queue.add(id, `chat${id}`, null);
    const running = [queue.take()!, queue.take()!];
    expect(running.map((u) => u.id)).toEqual([1, 2]);
    expect(queue.take()).toBeUndefined();
    expect(queue.runningCount).toBe(2);
    queue.done(running[1]!);
    expect(takeAll(queue)).toEqual([3]);
  });

  it('keeps each chat in order under any interleaving of completions', () => {
    // A small deterministic shuffle: whatever finishes when, a chat's updates start in id order.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const queue = new KeyedUpdateQueue<null>(3);
      const started = new Map<string, number[]>();
      const running: Array<ReturnType<typeof queue.take> & object> = [];
      let id = 0;
      while (id < 40 || queue.size > 0) {
        if (id < 40 && random() < 0.5) queue.add(id++, `k${Math.floor(random() * 5)}`, null);
        for (let next = queue.take(); next; next = queue.take()) {
          running.push(next);
          started.set(next.key, [...(started.get(next.key) ?? []), next.id]);
        }
        if (running.length > 0 && random() < 0.6) {
          const [finished] = running.splice(Math.floor(random() * running.length), 1);
          queue.done(finished!);
          // Everything below the offset is done.
          expect(running.every((u) => u.id >= (queue.offset ?? 0))).toBe(true);
        }
      }
      for (const ids of started.values()) expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(queue.offset).toBe(40);
    }
  });
});

describe('orderKeyOf', () => {
  const chat = { id: -100, type: 'supergroup', title: 'Team', is_forum: true } as const;
  it('is the chat, or the forum topic, of a message or of a button press', () => {
    expect(
      orderKeyOf({ update_id: 1, message: { message_id: 1, date: 0, chat, text: 'x' } } as Update),
    ).toBe('-100');
    expect(
      orderKeyOf({
        update_id: 2,
        message: {
          message_id: 2,
          date: 0,
          chat,
          text: 'x',
          is_topic_message: true,
          message_thread_id: 7,
        },
      } as Update),
    ).toBe('-100:7');
    expect(
      orderKeyOf({
        update_id: 3,
        callback_query: {
          id: 'q',
          from: { id: 1, is_bot: false, first_name: 'A' },
          chat_instance: 'c',
          data: 'd',
          message: {
            message_id: 9,
            date: 0,
            chat,
            text: 'x',
            is_topic_message: true,
            message_thread_id: 7,
          },
        },
      }),
    ).toBe('-100:7');
  });
});
