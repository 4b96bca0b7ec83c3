// What a failed getUpdates means, in words a user can act on, and how long to wait before the next.
import { GrammyError, HttpError } from 'grammy';
import { describeNetworkError } from '../errors';

export interface PollVerdict {
  /** Same key, same problem: said once. */
  key: string;
  message: string;
  /** Polling cannot recover by itself (a rejected token). */
  fatal: boolean;
  waitMs: number;
}

const MAX_BACKOFF_MS = 60_000;

/** Why a poll was given up: nobody answered it in time. */
export class PollTimeout extends Error {}

/** `failures` counts this one too (1 for the first). */
export function describePollFailure(
  error: unknown,
  failures: number,
  apiRoot: string,
): PollVerdict {
  const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 6));
  if (error instanceof GrammyError) {
    if (error.error_code === 401 || error.error_code === 404) {
      return {
        key: 'token',
        message:
          'Telegram rejected the bot token (401 Unauthorized). Copy the token again from @BotFather ' +
          'into TELEGRAM_BOT_TOKEN; the bridge has stopped polling.',
        fatal: true,
        waitMs: 0,
      };
    }
    if (error.error_code === 409) {
      return {
        key: 'conflict',
        message:
          'Another program is polling this bot token (409 Conflict): only one bridge can use a bot at a ' +
          'time. Stop the other one (or give this bridge its own bot); retrying until it is gone.',
        fatal: false,
        waitMs: Math.max(backoff, 5000),
      };
    }
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 5;
      return {
        key: 'flood',
        message: `Telegram asks us to slow down; waiting ${seconds} s.`,
        fatal: false,
        waitMs: seconds * 1000,
      };
    }
    return {
      key: `api${error.error_code}`,
      message: `Telegram answered getUpdates with ${error.error_code} (${error.description}); retrying.`,
      fatal: false,
      waitMs: backoff,
    };
  }
  if (error instanceof HttpError || error instanceof PollTimeout) {
    const cause = error instanceof PollTimeout ? error.message : describeNetworkError(error.error);
    return {
      key: 'network',
      message: `Cannot reach Telegram at ${apiRoot} (${cause}); retrying with backoff.`,
      fatal: false,
      waitMs: backoff,
    };
  }
  return {
    key: 'other',
    message: `Polling Telegram failed: ${(error as Error).message}; retrying.`,
    fatal: false,
    waitMs: backoff,
  };
}
