// Imperative shell around the pure scheduler: owns the callers' `run` functions and promises, the
// one wake-up timer, and error handling. Every Telegram call of the bridge goes through one Outbox
// so rate limits are respected up front instead of being discovered as 429s.

import {
  backoffDelay,
  chatBucket,
  complete,
  createState,
  defaultBackoff,
  drainWaiting,
  enqueue as enqueueEntry,
  globalBucket,
  holdStream,
  nextReady,
  pauseBucket,
  refund,
  requeue,
} from './scheduler';
import type { BackoffConfig, Entry, OutboxLimits, Priority, SchedulerState } from './scheduler';
import { classifyTelegramError } from './classify-error';
import type { ErrorClassifier } from './classify-error';

export interface Clock<H = unknown> {
  now(): number;
  setTimeout(fn: () => void, ms: number): H;
  clearTimeout(handle: H): void;
}

export const systemClock: Clock<ReturnType<typeof setTimeout>> = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

export interface OutboxJob<T> {
  /** Coalescing key, e.g. `edit:${chatId}:${messageId}`, or a unique id for one-off calls. */
  key: string;
  /** Absent for calls not bound to a chat (setMyCommands…). */
  chatId?: number;
  /** Message-producing call (send/edit/delete/topic…), charged to the chat and group budgets. */
  countsTowardChat: boolean;
  priority: Priority;
  /** Performs the call; evaluated lazily at send time. */
  run: (call: CallControl) => Promise<T>;
}

export interface CallControl {
  /**
   * Says this run made no request after all (an edit whose text is already shown), so it costs no
   * budget: Telegram never saw it. Call it before the run settles.
   */
  notSent(): void;
}

export interface RetryInfo {
  key: string;
  chatId: number | undefined;
  /** 1-based transient failure count of this job. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface OutboxOptions {
  limits?: Partial<OutboxLimits>;
  backoff?: Partial<BackoffConfig>;
  clock?: Clock<unknown>;
  classify?: ErrorClassifier;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  onRateLimited?: (chatId: number | undefined, retryAfterSeconds: number) => void;
  onRetry?: (info: RetryInfo) => void;
}

export interface OutboxStats {
  /** Calls that succeeded. */
  sent: number;
  /** Jobs that were rejected with a fatal error. */
  failed: number;
  /** Jobs folded into another job with the same key (calls saved). */
  coalesced: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Retries scheduled after transient errors. */
  retries: number;
  /** Entries waiting to be sent. */
  queued: number;
  inFlight: number;
}

export interface Outbox {
  enqueue<T>(job: OutboxJob<T>): Promise<T>;
  /**
   * Holds streaming edits to the chat for `ms` (prompts, replies and finals still go): a turn
   * there is ending, and its final text and notice should find the chat free.
   */
  holdStream(chatId: number, ms: number): void;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  /** Rejects waiting jobs with OutboxStoppedError and clears timers; in-flight calls still settle. */
  stop(): void;
  stats(): OutboxStats;
}

export class OutboxStoppedError extends Error {
  override readonly name = 'OutboxStoppedError';
  constructor() {
    super('Telegram outbox stopped before the call was sent');
  }
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Shell-side half of an entry: what to run and who is waiting for it. */
interface Pending {
  run: (call: CallControl) => Promise<unknown>;
  waiters: Waiter[];
}

export function createOutbox(options: OutboxOptions = {}): Outbox {
  const clock = options.clock ?? systemClock;
  const classify = options.classify ?? classifyTelegramError;
  const random = options.random ?? Math.random;
  const backoff: BackoffConfig = { ...defaultBackoff, ...options.backoff };

  let state: SchedulerState = createState(options.limits);
  const pending = new Map<number, Pending>();
  const counters = { sent: 0, failed: 0, coalesced: 0, rateLimited: 0, retries: 0 };
  let stopped = false;
  let pumpQueued = false;
  let timer: { handle: unknown; at: number } | undefined;
  let idleWaiters: (() => void)[] = [];

  // Observers are for logging; a throwing logger must not wedge the outbox.
  const notify = (fn: () => void) => {
    try {
      fn();
    } catch {
      // ignored on purpose
    }
  };

  const clearTimer = () => {
    if (timer) clock.clearTimeout(timer.handle);
    timer = undefined;
  };

  // Deferred to a microtask so jobs enqueued in the same tick coalesce before anything is sent.
  const schedulePump = () => {
    if (pumpQueued || stopped) return;
    pumpQueued = true;
    queueMicrotask(pump);
  };

  function pump() {
    pumpQueued = false;
    if (stopped) return;
    for (;;) {
      const next = nextReady(state, clock.now());
      if (next.kind === 'send') {
        state = next.state;
        start(next.entry);
        continue;
      }
      if (next.kind === 'wait') {
        const at = clock.now() + next.waitMs;
        if (timer?.at === at) return;
        clearTimer();
        const handle = clock.setTimeout(() => {
          timer = undefined;
          pump();
        }, next.waitMs);
        timer = { handle, at };
      } else {
        clearTimer();
      }
      return;
    }
  }

  function start(entry: Entry) {
    const job = pending.get(entry.id);
    if (!job) return;
    let sent = true;
    const control: CallControl = {
      notSent: () => {
        if (!sent) return;
        sent = false;
        state = refund(state, entry.id);
      },
    };
    // Called synchronously (at send time); a synchronous throw becomes a rejection.
    const call = new Promise<unknown>((resolve) => resolve(job.run(control)));
    void call.then(
      (value) => {
        if (sent) counters.sent += 1;
        finish(entry, (w) => w.resolve(value));
      },
      (error: unknown) => fail(entry, error),
    );
  }

  function finish(entry: Entry, settle: (w: Waiter) => void) {
    state = complete(state, entry.id);
    const job = pending.get(entry.id);
    pending.delete(entry.id);
    job?.waiters.forEach(settle);
    afterChange();
  }

  function fail(entry: Entry, error: unknown) {
    const verdict = classify(error);
    if (verdict.kind === 'fatal') {
      counters.failed += 1;
      finish(entry, (w) => w.reject(error));
      return;
    }
    // It would be retried, but nobody will send it any more.
    if (stopped) {
      finish(entry, (w) => w.reject(new OutboxStoppedError()));
      return;
    }
    const now = clock.now();
    if (verdict.kind === 'rateLimited') {
      counters.rateLimited += 1;
      const { chatId } = entry;
      const bucket = chatId === undefined ? globalBucket : chatBucket(chatId);
      state = pauseBucket(state, bucket, now + verdict.retryAfterSeconds * 1000);
      retry(entry.id, {});
      notify(() => options.onRateLimited?.(chatId, verdict.retryAfterSeconds));
    } else {
      counters.retries += 1;
      const attempt = entry.attempts + 1;
      const delayMs = backoffDelay(attempt, backoff, random());
      retry(entry.id, { notBefore: now + delayMs, attempts: attempt });
      const info: RetryInfo = { key: entry.key, chatId: entry.chatId, attempt, delayMs, error };
      notify(() => options.onRetry?.(info));
    }
    afterChange();
  }

  function retry(id: number, params: { notBefore?: number; attempts?: number }) {
    const result = requeue(state, id, params);
    state = result.state;
    if (result.absorbedId === undefined) return;
    const kept = pending.get(id);
    const absorbed = pending.get(result.absorbedId);
    pending.delete(result.absorbedId);
    if (!kept || !absorbed) return;
    counters.coalesced += 1;
    if (result.absorbedWins) kept.run = absorbed.run;
    kept.waiters.push(...absorbed.waiters);
  }

  function afterChange() {
    schedulePump();
    if (state.waiting.length > 0 || state.running.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  return {
    enqueue<T>(job: OutboxJob<T>): Promise<T> {
      if (stopped) return Promise.reject(new OutboxStoppedError());
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = { resolve: (value) => resolve(value as T), reject };
        const result = enqueueEntry(state, job);
        state = result.state;
        const existing = pending.get(result.id);
        if (result.coalesced && existing) {
          counters.coalesced += 1;
          if (result.replacesRun) existing.run = job.run;
          existing.waiters.push(waiter);
        } else {
          pending.set(result.id, { run: job.run, waiters: [waiter] });
        }
        schedulePump();
      });
    },

    holdStream(chatId, ms) {
      state = holdStream(state, chatId, clock.now() + ms);
      schedulePump();
    },

    idle() {
      if (state.waiting.length === 0 && state.running.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },

    stop() {
      if (stopped) return;
      stopped = true;
      clearTimer();
      const { state: drainedState, drained } = drainWaiting(state);
      state = drainedState;
      for (const entry of drained) {
        const job = pending.get(entry.id);
        pending.delete(entry.id);
        job?.waiters.forEach((w) => w.reject(new OutboxStoppedError()));
      }
      afterChange();
    },

    stats() {
      return { ...counters, queued: state.waiting.length, inFlight: state.running.length };
    },
  };
}
