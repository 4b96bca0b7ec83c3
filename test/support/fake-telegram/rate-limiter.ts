// Telegram's documented flood limits, enforced so the bridge's throttling is exercised:
// "no more than one message per second" per chat (with a small burst allowance),
// "no more than 20 messages per minute" per group, "about 30 messages per second" overall.
// What counts is a message sent or edited (methods/index.ts: RATE_LIMITED_METHODS), charged when
// the call arrives and given back if it is refused with an error; the group and bot windows slide
// (a call leaves them exactly windowMs after it arrived), the chat bucket refills continuously.

export interface RateLimitOptions {
  /** Turn every limit off (calls are still recorded). Default: true. */
  enabled?: boolean;
  /** Per-chat token bucket size. Default: 3. */
  perChatBurst?: number;
  /** Per-chat refill, tokens per second. Default: 1. */
  perChatPerSecond?: number;
  /** Max calls per group (negative chat id) in a rolling window. Default: 20. */
  perGroupLimit?: number;
  /** That window in ms. Default: 60_000. */
  perGroupWindowMs?: number;
  /** Max calls for the whole bot in a rolling window. Default: 30. */
  perBotLimit?: number;
  /** That window in ms. Default: 1_000. */
  perBotWindowMs?: number;
}

export const RATE_LIMIT_DEFAULTS: Required<RateLimitOptions> = {
  enabled: true,
  perChatBurst: 3,
  perChatPerSecond: 1,
  perGroupLimit: 20,
  perGroupWindowMs: 60_000,
  perBotLimit: 30,
  perBotWindowMs: 1_000,
};

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly config: Required<RateLimitOptions>;
  private readonly buckets = new Map<number, Bucket>();
  private readonly groupCalls = new Map<number, number[]>();
  private botCalls: number[] = [];
  private readonly forced = new Map<number, number>();

  constructor(options: RateLimitOptions = {}) {
    this.config = { ...RATE_LIMIT_DEFAULTS, ...options };
  }

  /** Makes every limited call to the chat fail until `now + seconds`. */
  force(chatId: number, seconds: number, now: number): void {
    this.forced.set(chatId, now + seconds * 1000);
  }

  /**
   * Consumes one call for the chat. Returns undefined when allowed, else the retry_after
   * (whole seconds, at least 1) after which this call would pass; a refused call costs nothing.
   */
  take(chatId: number, now: number): number | undefined {
    const forcedUntil = this.forced.get(chatId);
    if (forcedUntil !== undefined && forcedUntil > now) return toSeconds(forcedUntil - now);
    if (!this.config.enabled) return undefined;

    const bucket = this.refill(chatId, now);
    const waits: number[] = [];
    if (bucket.tokens < 1) waits.push(((1 - bucket.tokens) / this.config.perChatPerSecond) * 1000);
    const group = chatId < 0 ? this.window(this.groupCalls.get(chatId), now, 'group') : undefined;
    if (group && group.length >= this.config.perGroupLimit) {
      waits.push(
        group[group.length - this.config.perGroupLimit]! + this.config.perGroupWindowMs - now,
      );
    }
    this.botCalls = this.window(this.botCalls, now, 'bot');
    if (this.botCalls.length >= this.config.perBotLimit) {
      waits.push(
        this.botCalls[this.botCalls.length - this.config.perBotLimit]! +
          this.config.perBotWindowMs -
          now,
      );
    }
    if (waits.length > 0) return toSeconds(Math.max(...waits));

    bucket.tokens -= 1;
    this.botCalls.push(now);
    if (group) this.groupCalls.set(chatId, [...group, now]);
    return undefined;
  }

  /** Gives back what `take` charged at `at`: the call was refused and sent nothing. */
  refund(chatId: number, at: number): void {
    const bucket = this.buckets.get(chatId);
    if (bucket) bucket.tokens = Math.min(this.config.perChatBurst, bucket.tokens + 1);
    const group = this.groupCalls.get(chatId);
    if (group) this.groupCalls.set(chatId, withoutOne(group, at));
    this.botCalls = withoutOne(this.botCalls, at);
  }

  private refill(chatId: number, now: number): Bucket {
    const bucket = this.buckets.get(chatId) ?? { tokens: this.config.perChatBurst, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(
      this.config.perChatBurst,
      bucket.tokens + elapsed * this.config.perChatPerSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(chatId, bucket);
    return bucket;
  }

  private window(calls: number[] | undefined, now: number, kind: 'group' | 'bot'): number[] {
    const span = kind === 'group' ? this.config.perGroupWindowMs : this.config.perBotWindowMs;
    return (calls ?? []).filter((t) => t > now - span);
  }
}

function withoutOne(times: number[], at: number): number[] {
  const index = times.lastIndexOf(at);
  return index < 0 ? times : [...times.slice(0, index), ...times.slice(index + 1)];
}

const toSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
