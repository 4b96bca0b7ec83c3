// Pure scheduling core of the Telegram outbox: which queued call may be sent now, and if none, how
// long to wait. State in, state out, `now` passed in — no timers, no clock, no I/O, no closures in
// the state — so every budget rule is unit-testable and the shell (outbox.ts) stays trivial.
//
// Model:
// - `waiting` holds entries not yet sent (FIFO by `id`), `running` the ones whose call is in flight.
// - Budgets are charged at send *start* (`markSent`): Telegram counts requests as they arrive, and a
//   call that ends in 429 or a network error has still spent its slot.
// - Buckets: one per chat (`chat:<id>`, forum topics share it) and one for the bot (`global`).
//   `pauseBucket` freezes one of them after a 429 without touching the others.
// - A group's rolling window (Telegram: 20 message calls per group per minute) is shared by need:
//   prompts and final answers may take every slot; command replies leave a few for them; streaming
//   edits leave what is queued for them plus a small headroom (turns about to end), and are paced
//   evenly over the window instead of spending it in a burst and then freezing for most of a
//   minute. The pace is the group's, shared round-robin, so each topic's edit interval grows with
//   the number of topics streaming in that group.
// - Callers' `run` functions and promises live in the shell, keyed by entry `id`.

import { groupReadyAt, groupStreamSpacing, windowFreeAt } from './group-budget';

export { backoffDelay, defaultBackoff } from './backoff';
export type { BackoffConfig } from './backoff';
export { groupStreamSpacing } from './group-budget';
import type { Entry, JobSpec, Priority, SchedulerState } from './scheduler-state';
import { chatBucket, globalBucket, priorityRank, type BucketId } from './scheduler-state';

export * from './scheduler-state';

const higher = (a: Priority, b: Priority): Priority => (priorityRank[a] <= priorityRank[b] ? a : b);

/**
 * Whether a newer job's content replaces an older waiting one with the same key. Newest content
 * wins, except that a late in-progress edit must never overwrite a waiting final answer.
 */
export const newerWins = (older: Priority, newer: Priority): boolean =>
  !(older === 'final' && newer === 'stream');

export interface EnqueueResult {
  state: SchedulerState;
  /** Entry the job is attached to: a fresh one, or the waiting entry it coalesced into. */
  id: number;
  coalesced: boolean;
  /** The job's content supersedes the waiting entry's (the shell swaps `run`). */
  replacesRun: boolean;
}

/**
 * Adds a job. A waiting entry with the same key absorbs it (keeps its queue position and backoff,
 * takes the higher priority); a running one does not, so the new entry waits behind it.
 */
export function enqueue(state: SchedulerState, spec: JobSpec): EnqueueResult {
  const existing = state.waiting.find((e) => e.key === spec.key);
  if (existing) {
    const merged: Entry = { ...existing, priority: higher(existing.priority, spec.priority) };
    return {
      state: { ...state, waiting: state.waiting.map((e) => (e === existing ? merged : e)) },
      id: existing.id,
      coalesced: true,
      replacesRun: newerWins(existing.priority, spec.priority),
    };
  }
  const entry: Entry = { ...copySpec(spec), id: state.nextId, notBefore: 0, attempts: 0 };
  return {
    state: { ...state, nextId: state.nextId + 1, waiting: [...state.waiting, entry] },
    id: entry.id,
    coalesced: false,
    replacesRun: true,
  };
}

// Copy only the scheduler's fields (callers pass whole jobs with `run`), honouring optional chatId.
function copySpec(spec: JobSpec): JobSpec {
  const { key, chatId, countsTowardChat, priority } = spec;
  return chatId === undefined
    ? { key, countsTowardChat, priority }
    : { key, chatId, countsTowardChat, priority };
}

/**
 * When `entry` may start: a time (≤ now means now), or 'blocked' if it waits for an in-flight call
 * (same key or same chat running, or the in-flight cap) — that wakes up on completion, not a timer.
 */
export function readyAt(state: SchedulerState, entry: Entry, now: number): number | 'blocked' {
  const { limits, running } = state;
  if (running.length >= limits.maxInFlight) return 'blocked';
  if (running.some((r) => r.key === entry.key)) return 'blocked';
  const { chatId } = entry;
  if (chatId !== undefined && running.some((r) => r.chatId === chatId)) return 'blocked';

  let at = Math.max(now, entry.notBefore, state.pausedUntil[globalBucket] ?? 0);
  at = Math.max(
    at,
    windowFreeAt(state.globalSends, limits.globalPerSecond, limits.globalWindowMs, now),
  );
  if (chatId === undefined) return at;
  // A paused chat gets nothing, not even typing actions: Telegram asked us to back off there.
  at = Math.max(at, state.pausedUntil[chatBucket(chatId)] ?? 0);
  if (!entry.countsTowardChat) return at;
  if (entry.priority === 'stream') at = Math.max(at, state.streamHeldUntil[String(chatId)] ?? 0);
  const last = state.lastChatSend[String(chatId)];
  if (last !== undefined) at = Math.max(at, last + limits.chatIntervalMs);
  return chatId < 0 ? Math.max(at, groupReadyAt(state, entry, now)) : at;
}

export type NextReady =
  /** Start this entry now; `state` already has it running and its budgets charged. */
  | { kind: 'send'; entry: Entry; state: SchedulerState }
  /** Nothing can start now; call again after `waitMs`. */
  | { kind: 'wait'; waitMs: number }
  /** Nothing to do until a call completes or a job is enqueued. */
  | { kind: 'none' };

/** Entries in send order: higher priority first, then FIFO. */
export const sendOrder = (entries: readonly Entry[]): Entry[] =>
  [...entries].sort((a, b) => priorityRank[a.priority] - priorityRank[b.priority] || a.id - b.id);

/**
 * Picks the first entry in send order that may start now. Entries blocked by their chat's budget
 * are skipped, so one exhausted chat never holds up the others.
 */
export function nextReady(state: SchedulerState, now: number): NextReady {
  let earliest = Infinity;
  for (const entry of sendOrder(state.waiting)) {
    const at = readyAt(state, entry, now);
    if (at === 'blocked') continue;
    if (at <= now) return { kind: 'send', entry, state: markSent(state, entry.id, now) };
    earliest = Math.min(earliest, at);
  }
  return earliest === Infinity ? { kind: 'none' } : { kind: 'wait', waitMs: earliest - now };
}

/** Moves a waiting entry to running and charges its budgets at `now`; prunes stale bookkeeping. */
export function markSent(state: SchedulerState, id: number, now: number): SchedulerState {
  const entry = state.waiting.find((e) => e.id === id);
  if (!entry) return state;
  const { limits } = state;
  const globalSends = [...state.globalSends.filter((t) => t > now - limits.globalWindowMs), now];

  const lastChatSend: Record<string, number> = {};
  for (const [chat, t] of Object.entries(state.lastChatSend)) {
    if (t + limits.chatIntervalMs > now) lastChatSend[chat] = t;
  }
  const groupSends: Record<string, readonly number[]> = {};
  for (const [chat, sends] of Object.entries(state.groupSends)) {
    const live = sends.filter((t) => t > now - limits.groupWindowMs);
    if (live.length > 0) groupSends[chat] = live;
  }
  const spacing = groupStreamSpacing(limits);
  const lastGroupStream: Record<string, number> = {};
  for (const [chat, t] of Object.entries(state.lastGroupStream)) {
    if (t + spacing > now) lastGroupStream[chat] = t;
  }
  const { chatId } = entry;
  const chat = String(chatId);
  if (chatId !== undefined && entry.countsTowardChat) {
    lastChatSend[chat] = now;
    if (chatId < 0) groupSends[chat] = [...(groupSends[chat] ?? []), now];
    if (chatId < 0 && entry.priority === 'stream') lastGroupStream[chat] = now;
  }
  const pausedUntil: Record<string, number> = {};
  for (const [bucket, until] of Object.entries(state.pausedUntil)) {
    if (until > now) pausedUntil[bucket] = until;
  }
  const streamHeldUntil: Record<string, number> = {};
  for (const [held, until] of Object.entries(state.streamHeldUntil)) {
    if (until > now) streamHeldUntil[held] = until;
  }
  return {
    ...state,
    waiting: state.waiting.filter((e) => e !== entry),
    running: [...state.running, { ...entry, chargedAt: now }],
    lastChatSend,
    groupSends,
    lastGroupStream,
    globalSends,
    pausedUntil,
    streamHeldUntil,
  };
}

/**
 * A running call turned out to make no request (an edit whose text was already shown): gives back
 * what `markSent` charged, so the budgets count only what Telegram saw. Idempotent. The chat's
 * interval and the group's pacing simply lapse: this call could only start once the previous
 * one's had passed.
 */
export function refund(state: SchedulerState, id: number): SchedulerState {
  const entry = state.running.find((e) => e.id === id);
  const at = entry?.chargedAt;
  if (!entry || at === undefined) return state;
  const { chargedAt: _refunded, ...uncharged } = entry;
  const next = {
    ...state,
    running: state.running.map((e) => (e === entry ? uncharged : e)),
    globalSends: withoutOne(state.globalSends, at),
  };
  const { chatId } = entry;
  if (chatId === undefined || !entry.countsTowardChat) return next;
  const chat = String(chatId);
  const lapse = (times: Readonly<Record<string, number>>) => {
    const { [chat]: last, ...rest } = times;
    return last === at ? rest : times;
  };
  const sends = state.groupSends[chat];
  return {
    ...next,
    lastChatSend: lapse(state.lastChatSend),
    lastGroupStream: lapse(state.lastGroupStream),
    groupSends: sends ? { ...state.groupSends, [chat]: withoutOne(sends, at) } : state.groupSends,
  };
}

function withoutOne(times: readonly number[], at: number): number[] {
  const index = times.lastIndexOf(at);
  return index < 0 ? [...times] : [...times.slice(0, index), ...times.slice(index + 1)];
}

/** The call of a running entry finished for good (success or fatal error). */
export function complete(state: SchedulerState, id: number): SchedulerState {
  return { ...state, running: state.running.filter((e) => e.id !== id) };
}

/** Freezes a bucket until `untilMs` (never shortens an existing pause). */
export function pauseBucket(state: SchedulerState, bucket: BucketId, untilMs: number) {
  const current = state.pausedUntil[bucket] ?? 0;
  if (current >= untilMs) return state;
  return { ...state, pausedUntil: { ...state.pausedUntil, [bucket]: untilMs } };
}

/**
 * Keeps the chat free of streaming edits until `untilMs` (never shortens a hold): a turn there has
 * written its last text, and its final answer and notice should not wait behind an edit that the
 * final text replaces anyway.
 */
export function holdStream(state: SchedulerState, chatId: number, untilMs: number) {
  const chat = String(chatId);
  if ((state.streamHeldUntil[chat] ?? 0) >= untilMs) return state;
  return { ...state, streamHeldUntil: { ...state.streamHeldUntil, [chat]: untilMs } };
}

export interface RequeueResult {
  state: SchedulerState;
  /**
   * A same-key entry that was enqueued while this one ran and is now folded into it: the retry
   * keeps the earlier position, and the shell moves the absorbed entry's callers over.
   */
  absorbedId?: number;
  /** The absorbed entry's content supersedes the retried one's. */
  absorbedWins: boolean;
}

/**
 * Puts a running entry back in the queue for a retry, keeping its id (queue position). Only the
 * latest content is worth retrying, so a same-key entry that queued up behind it is merged in.
 */
export function requeue(
  state: SchedulerState,
  id: number,
  retry: { notBefore?: number; attempts?: number } = {},
): RequeueResult {
  const entry = state.running.find((e) => e.id === id);
  if (!entry) return { state, absorbedWins: false };
  const running = state.running.filter((e) => e !== entry);
  const { chargedAt: _charged, ...uncharged } = entry;
  let back: Entry = {
    ...uncharged,
    notBefore: retry.notBefore ?? entry.notBefore,
    attempts: retry.attempts ?? entry.attempts,
  };
  const absorbed = state.waiting.find((e) => e.key === entry.key);
  const rest = state.waiting.filter((e) => e !== absorbed);
  if (absorbed) back = { ...back, priority: higher(back.priority, absorbed.priority) };
  // Re-insert at its FIFO place so `waiting` stays sorted by id.
  const waiting = [
    ...rest.filter((e) => e.id < back.id),
    back,
    ...rest.filter((e) => e.id > back.id),
  ];
  const next = { ...state, running, waiting };
  return absorbed
    ? {
        state: next,
        absorbedId: absorbed.id,
        absorbedWins: newerWins(entry.priority, absorbed.priority),
      }
    : { state: next, absorbedWins: false };
}

/** Removes every waiting entry (stop): the shell rejects their callers. */
export function drainWaiting(state: SchedulerState): { state: SchedulerState; drained: Entry[] } {
  return { state: { ...state, waiting: [] }, drained: [...state.waiting] };
}
