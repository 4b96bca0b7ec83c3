// Long-polls getUpdates and hands each update to the bot, one at a time and in order. The offset
// moves past an update only after it was handled and the new offset saved, so a crash or restart
// neither loses nor repeats a prompt. Failures are said once, in words a user can act on.
import { GrammyError, HttpError, type Api } from 'grammy';
import type { Update } from 'grammy/types';
import { describeNetworkError } from '../errors';
import type { Logger } from '../log';
import { ProblemReporter } from '../log';

export type PollerState = { kind: 'polling' } | { kind: 'error'; reason: string; fatal: boolean };

export interface PollerOptions {
  api: Api;
  apiRoot: string;
  log: Logger;
  initialOffset: number | undefined;
  handle: (update: Update) => Promise<void>;
  saveOffset: (offset: number) => Promise<void>;
  onState: (state: PollerState) => void;
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
  pollTimeoutSeconds?: number;
  /**
   * A long poll still unanswered this long after its own timeout is given up: its connection is
   * likely dead (the Mac slept, the network changed) and would otherwise hang for minutes.
   */
  pollGraceMs?: number;
}

const MAX_BACKOFF_MS = 60_000;
const RECOVERY_CONFIRM_MS = 5_000;
const POLL_GRACE_MS = 15_000;

/** Why a poll was given up: nobody answered it in time. */
class PollTimeout extends Error {}
/** Why a poll was given up: the owner asked for a fresh one. */
class PollRestart extends Error {}

export class TelegramPoller {
  private readonly abort = new AbortController();
  /** Aborts the poll in flight only. */
  private poll: AbortController | undefined;
  private offset: number | undefined;
  private loop: Promise<void> | undefined;
  private readonly problems: ProblemReporter;
  private failures = 0;
  private lastFailureAt = 0;

  constructor(private readonly options: PollerOptions) {
    this.offset = options.initialOffset;
    this.problems = new ProblemReporter(options.log);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** Drops the poll in flight and polls again at once: after a wake from sleep its socket may be dead. */
  restartPoll(): void {
    this.poll?.abort(new PollRestart('restart requested'));
  }

  private async run(): Promise<void> {
    const { api, log } = this.options;
    while (!this.abort.signal.aborted) {
      let updates: Update[];
      // While recovering, poll briefly: recovery is confirmed without waiting out a long poll.
      const timeout = this.failures > 0 ? 1 : (this.options.pollTimeoutSeconds ?? 25);
      const poll = new AbortController();
      this.poll = poll;
      const waitMs = timeout * 1000 + (this.options.pollGraceMs ?? POLL_GRACE_MS);
      const deadline = setTimeout(
        () => poll.abort(new PollTimeout(`no answer to a long poll in ${waitMs / 1000} s`)),
        waitMs,
      );
      try {
        updates = await api.getUpdates(
          {
            ...(this.offset === undefined ? {} : { offset: this.offset }),
            timeout,
            allowed_updates: this.options.allowedUpdates,
          },
          // grammY types its signal with an older AbortSignal shim; the runtime object is the same.
          AbortSignal.any([this.abort.signal, poll.signal]) as unknown as Parameters<
            Api['getUpdates']
          >[1],
        );
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (poll.signal.reason instanceof PollRestart) continue;
        const verdict = this.describe(
          poll.signal.reason instanceof PollTimeout ? poll.signal.reason : error,
        );
        this.problems.problem(verdict.key, verdict.message);
        this.options.onState({ kind: 'error', reason: verdict.message, fatal: verdict.fatal });
        if (verdict.fatal) return;
        await this.sleep(verdict.waitMs);
        continue;
      } finally {
        clearTimeout(deadline);
      }
      // A problem counts as over once polls have succeeded for a while: a competing poller or a
      // flaky network that comes and goes is one episode, said once, not a stream of alternating lines.
      if (this.failures > 0 && Date.now() - this.lastFailureAt >= RECOVERY_CONFIRM_MS) {
        this.failures = 0;
        this.problems.resolved('Telegram polling works again.');
      }
      this.options.onState({ kind: 'polling' });
      for (const update of updates) {
        if (this.abort.signal.aborted) return;
        try {
          await this.options.handle(update);
        } catch (error) {
          // A failing handler must not stall the queue: log it and move on to the next update.
          log.error(`Handling update ${update.update_id} failed: ${(error as Error).message}`);
        }
        this.offset = update.update_id + 1;
        await this.options.saveOffset(this.offset);
      }
    }
  }

  private describe(error: unknown): {
    key: string;
    message: string;
    fatal: boolean;
    waitMs: number;
  } {
    this.failures += 1;
    this.lastFailureAt = Date.now();
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures - 1, 6));
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
      const cause =
        error instanceof PollTimeout ? error.message : describeNetworkError(error.error);
      return {
        key: 'network',
        message: `Cannot reach Telegram at ${this.options.apiRoot} (${cause}); retrying with backoff.`,
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
