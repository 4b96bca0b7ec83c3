// getUpdates semantics from the Bot API docs: updates stay queued until a later call passes an
// offset above their update_id; a negative offset keeps only the last -offset updates;
// allowed_updates is sticky and only affects updates created afterwards. A new getUpdates
// while one is still waiting answers the *older* request with 409 Conflict, as Telegram does.
import type { Update } from 'grammy/types';
import { pollingConflict, type ApiError } from './errors';

export interface PollRequest {
  offset: number | undefined;
  limit: number;
  timeoutSeconds: number;
  allowedUpdates: string[] | undefined;
}

interface Waiter {
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (error: ApiError) => void;
  timer: NodeJS.Timeout;
}

// Telegram's default when allowed_updates is empty or never set.
const NOT_DELIVERED_BY_DEFAULT = new Set([
  'chat_member',
  'message_reaction',
  'message_reaction_count',
]);

export class UpdateQueue {
  private queue: Update[] = [];
  private readonly log: Update[] = [];
  private nextId: number;
  private allowed: Set<string> | undefined;
  private waiter: Waiter | undefined;
  private flushScheduled = false;

  constructor(
    firstUpdateId: number,
    /** Told whenever a long poll starts or stops waiting. */
    private readonly onChange: () => void = () => undefined,
  ) {
    this.nextId = firstUpdateId;
  }

  /** True while a getUpdates call is waiting for updates. */
  isWaiting(): boolean {
    return this.waiter !== undefined;
  }

  /** Every update ever created, delivered or not. */
  all(): readonly Update[] {
    return this.log;
  }

  pendingCount(): number {
    return this.queue.length;
  }

  dropPending(): void {
    this.queue = [];
  }

  /** Queues an update (without update_id); returns it, or undefined if filtered out. */
  push(body: Omit<Update, 'update_id'>): Update | undefined {
    const type = Object.keys(body)[0] ?? '';
    const allowed = this.allowed ? this.allowed.has(type) : !NOT_DELIVERED_BY_DEFAULT.has(type);
    if (!allowed) return undefined;
    const update = { update_id: this.nextId++, ...body };
    this.queue.push(update);
    this.log.push(update);
    this.scheduleFlush();
    return update;
  }

  poll(request: PollRequest): { result: Promise<Update[]>; cancel: () => void } {
    const { offset } = request;
    if (offset !== undefined && offset < 0) this.queue = this.queue.slice(offset);
    else if (offset !== undefined && offset > 0) {
      this.queue = this.queue.filter((u) => u.update_id >= offset);
    }
    if (request.allowedUpdates !== undefined) {
      this.allowed =
        request.allowedUpdates.length > 0 ? new Set(request.allowedUpdates) : undefined;
    }
    const previous = this.waiter;
    if (previous) {
      this.waiter = undefined;
      clearTimeout(previous.timer);
      previous.reject(pollingConflict());
      this.onChange();
    }
    const ready = this.queue.slice(0, request.limit);
    if (ready.length > 0 || request.timeoutSeconds <= 0) {
      return { result: Promise.resolve(ready), cancel: () => undefined };
    }
    let waiter: Waiter | undefined;
    const result = new Promise<Update[]>((resolve, reject) => {
      waiter = {
        limit: request.limit,
        resolve,
        reject,
        timer: setTimeout(() => this.finish(waiter!, []), request.timeoutSeconds * 1000),
      };
    });
    this.waiter = waiter;
    this.onChange();
    return { result, cancel: () => this.finish(waiter!, []) };
  }

  /** Answers a waiting long poll with an empty result (server shutdown). */
  close(): void {
    if (this.waiter) this.finish(this.waiter, []);
  }

  /** Fails a waiting long poll (e.g. the fake goes into an outage). */
  abortWaiting(error: ApiError): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.reject(error);
    this.onChange();
  }

  private finish(waiter: Waiter, updates: Update[] | undefined): void {
    if (this.waiter !== waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    if (updates) waiter.resolve(updates);
    this.onChange();
  }

  // Deliver on the next tick so updates pushed together arrive in one batch.
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const waiter = this.waiter;
      if (waiter && this.queue.length > 0) this.finish(waiter, this.queue.slice(0, waiter.limit));
    });
  }
}
