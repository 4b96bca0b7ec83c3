// The outbox scheduler's vocabulary: priorities, limits, queued entries, buckets and the state
// the pure functions of scheduler.ts pass around.

/**
 * prompt: a permission or question waiting for the user (the agent is blocked until answered);
 * interactive: command replies, reply placeholders, topics; final: final answers and notices;
 * stream: in-progress edits and typing.
 */
export type Priority = 'prompt' | 'interactive' | 'final' | 'stream';

/** Lower rank goes first. */
export const priorityRank: Readonly<Record<Priority, number>> = {
  prompt: 0,
  interactive: 1,
  final: 2,
  stream: 3,
};

export interface OutboxLimits {
  /** Minimum gap between two chat-counting call starts to the same chat. */
  chatIntervalMs: number;
  /** Max chat-counting calls to one group (chat id < 0) per rolling `groupWindowMs`. */
  groupPerMinute: number;
  groupWindowMs: number;
  /**
   * Group slots per window that command replies and placeholders leave to prompts and final
   * answers: a blocked agent or a finished turn never waits for the window to roll over.
   */
  groupInteractiveReserve: number;
  /**
   * Group slots per window that streaming edits leave free beyond the prompts and finals already
   * queued there: room for turns that end (final text + notice) and prompts that arrive before the
   * window rolls. Streaming edits are also spaced `groupWindowMs / (groupPerMinute − this)` apart
   * per group, so they never use up the window in a burst.
   */
  groupStreamHeadroom: number;
  /** Max calls of any kind per rolling `globalWindowMs`. */
  globalPerSecond: number;
  globalWindowMs: number;
  /** Max calls in flight at once (across chats; a chat never has more than one). */
  maxInFlight: number;
}

export const defaultLimits: Readonly<OutboxLimits> = {
  chatIntervalMs: 1000,
  groupPerMinute: 20,
  // Telegram counts calls on arrival, we on sending: a second of margin keeps the 21st call of a
  // minute from arriving just inside the window.
  groupWindowMs: 61_000,
  groupInteractiveReserve: 4,
  groupStreamHeadroom: 4,
  globalPerSecond: 30,
  globalWindowMs: 1000,
  maxInFlight: 8,
};

/** What the scheduler needs to know about a job (its `run` stays in the shell). */
export interface JobSpec {
  key: string;
  chatId?: number;
  countsTowardChat: boolean;
  priority: Priority;
}

export interface Entry extends JobSpec {
  /** Unique and increasing: doubles as the FIFO position, kept across retries. */
  readonly id: number;
  /** Not sendable before this time (transient-error backoff). */
  readonly notBefore: number;
  /** Transient failures so far, for the backoff exponent. */
  readonly attempts: number;
  /** While running: when `markSent` charged it, so a call that made no request can be refunded. */
  readonly chargedAt?: number;
}

export type BucketId = 'global' | `chat:${number}`;
export const globalBucket: BucketId = 'global';
export const chatBucket = (chatId: number): BucketId => `chat:${chatId}`;

export interface SchedulerState {
  readonly limits: Readonly<OutboxLimits>;
  readonly nextId: number;
  readonly waiting: readonly Entry[];
  readonly running: readonly Entry[];
  /** chat id → start time of its last chat-counting call (pruned once it no longer constrains). */
  readonly lastChatSend: Readonly<Record<string, number>>;
  /** group chat id → start times of chat-counting calls inside the rolling window, ascending. */
  readonly groupSends: Readonly<Record<string, readonly number[]>>;
  /** group chat id → start time of its last streaming edit (paces the group's edits). */
  readonly lastGroupStream: Readonly<Record<string, number>>;
  /** Start times of all calls inside the rolling global window, ascending. */
  readonly globalSends: readonly number[];
  /** bucket → time until which it is paused by a 429. */
  readonly pausedUntil: Readonly<Record<string, number>>;
  /** chat id → time until which its streaming edits wait: a final answer is about to go there. */
  readonly streamHeldUntil: Readonly<Record<string, number>>;
}

export function createState(limits: Partial<OutboxLimits> = {}): SchedulerState {
  return {
    limits: { ...defaultLimits, ...limits },
    nextId: 1,
    waiting: [],
    running: [],
    lastChatSend: {},
    groupSends: {},
    lastGroupStream: {},
    globalSends: [],
    pausedUntil: {},
    streamHeldUntil: {},
  };
}
