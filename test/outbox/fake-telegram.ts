// A stand-in for the Bot API that records when each call *started* on the fake clock, so tests
// can assert the spacing Telegram would see.
import type { OutboxJob } from '../../main/core/telegram/outbox/outbox';
import type { Priority } from '../../main/core/telegram/outbox/scheduler';
import type { FakeClock } from './fake-clock';

export interface Call {
  /** 1-based, in start order. */
  n: number;
  at: number;
  method: string;
  chatId: number | undefined;
  text: string;
}

export interface FakeTelegram {
  calls: Call[];
  /** Decides whether a call fails: return an error to throw, or undefined to succeed. */
  failWith: ((call: Call) => Error | undefined) | undefined;
  /** Most calls in flight at once, overall. */
  maxInFlight: number;
  /** Most calls in flight at once to one chat. */
  maxInFlightPerChat: number;
  edit(chatId: number, messageId: number, text: string, priority?: Priority): OutboxJob<Call>;
  send(chatId: number, text: string, priority?: Priority): OutboxJob<Call>;
  typing(chatId: number): OutboxJob<Call>;
  /** A call bound to no chat, like setMyCommands. */
  global(text: string, priority?: Priority): OutboxJob<Call>;
}

export function createFakeTelegram(clock: FakeClock, latencyMs = 0): FakeTelegram {
  let sendSeq = 0;
  const inFlight = new Map<number | undefined, number>();
  let inFlightTotal = 0;

  const call = (method: string, chatId: number | undefined, text: string): Promise<Call> => {
    const record: Call = { n: api.calls.length + 1, at: clock.now(), method, chatId, text };
    api.calls.push(record);
    const error = api.failWith?.(record);
    inFlightTotal += 1;
    const chatCount = (inFlight.get(chatId) ?? 0) + 1;
    inFlight.set(chatId, chatCount);
    api.maxInFlight = Math.max(api.maxInFlight, inFlightTotal);
    if (chatId !== undefined) api.maxInFlightPerChat = Math.max(api.maxInFlightPerChat, chatCount);
    return new Promise<Call>((resolve, reject) => {
      const end = () => {
        inFlightTotal -= 1;
        inFlight.set(chatId, (inFlight.get(chatId) ?? 1) - 1);
        if (error === undefined) resolve(record);
        else reject(error);
      };
      if (latencyMs > 0) clock.setTimeout(end, latencyMs);
      else end();
    });
  };

  const api: FakeTelegram = {
    calls: [],
    failWith: undefined,
    maxInFlight: 0,
    maxInFlightPerChat: 0,
    edit: (chatId, messageId, text, priority = 'stream') => ({
      key: `edit:${chatId}:${messageId}`,
      chatId,
      countsTowardChat: true,
      priority,
      run: () => call('editMessageText', chatId, text),
    }),
    send: (chatId, text, priority = 'interactive') => ({
      key: `send:${++sendSeq}`,
      chatId,
      countsTowardChat: true,
      priority,
      run: () => call('sendMessage', chatId, text),
    }),
    typing: (chatId) => ({
      key: `typing:${chatId}`,
      chatId,
      countsTowardChat: false,
      priority: 'stream',
      run: () => call('sendChatAction', chatId, 'typing'),
    }),
    global: (text, priority = 'interactive') => ({
      key: `global:${++sendSeq}`,
      countsTowardChat: false,
      priority,
      run: () => call('setMyCommands', undefined, text),
    }),
  };
  return api;
}

/** grammY-shaped errors, built by hand: the outbox must not depend on grammy's classes. */
export const tooManyRequests = (retryAfter: number) =>
  Object.assign(new Error(`Too Many Requests: retry after ${retryAfter}`), {
    name: 'GrammyError',
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  });

export const badRequest = (description: string) =>
  Object.assign(new Error(description), {
    name: 'GrammyError',
    error_code: 400,
    description,
    parameters: {},
  });

export const networkDown = () =>
  Object.assign(new Error('Network request failed'), { name: 'HttpError' });

/** Most calls whose start times fall in any half-open window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
