// A group's share of Telegram's 20 message calls per minute, by need: what is already in its
// rolling window, what of higher priority is queued for it, and each priority's reserve. Pure.
import type { Entry, OutboxLimits, Priority, SchedulerState } from './scheduler-state';

/** Earliest time ≥ now at which one more call fits in a rolling window. */
export function windowFreeAt(
  sends: readonly number[],
  limit: number,
  windowMs: number,
  now: number,
) {
  const live = sends.filter((t) => t > now - windowMs);
  if (live.length < limit) return now;
  // The oldest (live.length - limit + 1) sends must leave the window first.
  return (live[live.length - limit] ?? now) + windowMs;
}

/** Priorities whose waiting calls in the same group come first, and so count as already due. */
const yieldsTo: Readonly<Record<Priority, readonly Priority[]>> = {
  prompt: [],
  final: ['prompt'],
  interactive: ['prompt', 'final'],
  stream: ['prompt', 'interactive', 'final'],
};

/** Least time between two streaming edits in one group: the stream share, spread evenly. */
export const groupStreamSpacing = (limits: Readonly<OutboxLimits>): number =>
  limits.groupWindowMs / Math.max(1, limits.groupPerMinute - limits.groupStreamHeadroom);

/**
 * When the group's rolling window has room for `entry`: what is left after the calls already in
 * it, the calls of higher priority queued for the group, and the entry's own reserve.
 */
export function groupReadyAt(state: SchedulerState, entry: Entry, now: number): number {
  const { limits } = state;
  const group = String(entry.chatId);
  const yields = yieldsTo[entry.priority];
  const due = state.waiting.filter(
    (e) =>
      e !== entry && e.chatId === entry.chatId && e.countsTowardChat && yields.includes(e.priority),
  ).length;
  const reserve =
    entry.priority === 'stream'
      ? limits.groupStreamHeadroom
      : entry.priority === 'interactive'
        ? limits.groupInteractiveReserve
        : 0;
  const cap = limits.groupPerMinute - reserve - due;
  // No room until the calls due first have gone: their sends wake the pump again.
  if (cap <= 0) return Infinity;
  const at = windowFreeAt(state.groupSends[group] ?? [], cap, limits.groupWindowMs, now);
  if (entry.priority !== 'stream') return at;
  const lastStream = state.lastGroupStream[group];
  return lastStream === undefined ? at : Math.max(at, lastStream + groupStreamSpacing(limits));
}
