// Which updates may run now, and how far the getUpdates offset may move. Updates of one key (a
// chat, or a forum topic) run one at a time in arrival order; different keys run side by side, at
// most `maxRunning` at once. The offset only passes an update once it and every update before it
// are done, so a crash never loses one that was still being handled. Pure: no timers, no I/O.
import type { Update } from 'grammy/types';

export interface QueuedUpdate<T> {
  id: number;
  key: string;
  item: T;
}

export class KeyedUpdateQueue<T> {
  /** Waiting updates per key, oldest first. */
  private readonly waiting = new Map<string, QueuedUpdate<T>[]>();
  /** Keys whose head update is running. */
  private readonly running = new Set<string>();
  /** Ids not done yet (waiting or running), in arrival (= ascending id) order. */
  private readonly unfinished: number[] = [];
  /** One past the newest id ever added: ids below it are known. */
  private nextId: number | undefined;

  constructor(
    private readonly maxRunning: number,
    initialOffset?: number,
  ) {
    this.nextId = initialOffset;
  }

  /** Adds an update unless it is already known (redelivered while still unfinished, or done). */
  add(id: number, key: string, item: T): boolean {
    if (this.nextId !== undefined && id < this.nextId) return false;
    this.nextId = id + 1;
    this.unfinished.push(id);
    const list = this.waiting.get(key);
    if (list) list.push({ id, key, item });
    else this.waiting.set(key, [{ id, key, item }]);
    return true;
  }

  /** The next update that may start now, marked running; undefined when none may. */
  take(): QueuedUpdate<T> | undefined {
    if (this.running.size >= this.maxRunning) return undefined;
    // Map order is the order keys first got work: the longest-waiting key goes first.
    for (const [key, list] of this.waiting) {
      if (this.running.has(key)) continue;
      const next = list.shift();
      if (!next) continue;
      if (list.length === 0) this.waiting.delete(key);
      this.running.add(key);
      return next;
    }
    return undefined;
  }

  /** Marks a running update done; its key may run its next update. */
  done(update: QueuedUpdate<T>): void {
    this.running.delete(update.key);
    const index = this.unfinished.indexOf(update.id);
    if (index >= 0) this.unfinished.splice(index, 1);
  }

  /** The offset to poll and persist: below it, every update is done. */
  get offset(): number | undefined {
    return this.unfinished[0] ?? this.nextId;
  }

  /** Updates added and not done yet. */
  get size(): number {
    return this.unfinished.length;
  }

  get runningCount(): number {
    return this.running.size;
  }
}

/**
 * What must stay in order with what: a conversation place. A button press belongs to the place of
 * the message that carries the button; a forum topic is a place of its own (General is the chat).
 */
export function orderKeyOf(update: Update): string {
  const message = update.message ?? update.callback_query?.message;
  if (!message) return `update:${update.update_id}`;
  const topic =
    'is_topic_message' in message && message.is_topic_message
      ? message.message_thread_id
      : undefined;
  return topic === undefined ? String(message.chat.id) : `${message.chat.id}:${topic}`;
}
