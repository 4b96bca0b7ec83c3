// Long-polls getUpdates and hands updates to the bot: chats (and forum topics) side by side, each
// chat's updates in order (see update-queue.ts). An update is confirmed to Telegram and saved as
// the offset only once it and every update before it were handled, so a crash loses none; polls
// while handlers run start at the first unfinished update, and the ones already here are skipped.
// Failures are said once, in words a user can act on, and never stop the loop.
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { toError } from '../errors';
import type { Logger } from '../log';
import { ProblemReporter } from '../log';
import { describePollFailure, PollTimeout } from './poll-failure';
import { KeyedUpdateQueue, orderKeyOf, type QueuedUpdate } from './update-queue';

export type PollerState = { kind: 'polling' } | { kind: 'error'; reason: string; fatal: boolean };

/** `ignored`: the update changed nothing (a stranger's), so its offset may be saved later. */
export type HandleOutcome = 'handled' | 'ignored';

export interface PollerOptions {
  api: Api;
  apiRoot: string;
  log: Logger;
  initialOffset: number | undefined;
  handle: (update: Update) => Promise<HandleOutcome | void>;
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

const RECOVERY_CONFIRM_MS = 5_000;
const POLL_GRACE_MS = 15_000;
/** Chats handled at once; more wait their turn. */
const MAX_RUNNING_CHATS = 16;
/** getUpdates' own maximum: also the most updates waiting here at once. */
const POLL_LIMIT = 100;
/**
 * While handlers run, a poll returns at once with the unfinished updates (they are not confirmed
 * yet), so polls are paced: the next comes after this, or sooner when a handler finishes.
 */
const BUSY_POLL_MS = 300;
/** An offset moved only by updates that changed nothing is saved at most this often. */
const LAZY_SAVE_MS = 10_000;
/** How long a stop waits for handlers still running; what they miss is redelivered next time. */
const STOP_WAIT_MS = 2_000;

/** Why a poll was given up: the owner asked for a fresh one. */
class PollRestart extends Error {}

export class TelegramPoller {
  private readonly abort = new AbortController();
  /** Aborts the poll in flight only. */
  private poll: AbortController | undefined;
  private readonly queue: KeyedUpdateQueue<Update>;
  private readonly inFlight = new Set<Promise<void>>();
  /** Waits to end when a handler finishes. */
  private readonly onDone = new Set<() => void>();
  private loop: Promise<void> | undefined;
  private readonly problems: ProblemReporter;
  private readonly saveProblems: ProblemReporter;
  private failures = 0;
  private lastFailureAt = 0;
  private savedOffset: number | undefined;
  /** The newest update that had an effect: the offset is saved at once until it passes it. */
  private newestHandled: number | undefined;
  private saving: Promise<void> = Promise.resolve();
  private lazySave: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: PollerOptions) {
    this.queue = new KeyedUpdateQueue(MAX_RUNNING_CHATS, options.initialOffset);
    this.savedOffset = options.initialOffset;
    this.problems = new ProblemReporter(options.log);
    this.saveProblems = new ProblemReporter(options.log);
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
    try {
      await this.pollUntilStopped();
    } catch (error) {
      // Not expected (every step catches its own), but a poller that died silently would leave
      // the status saying "connected".
      const reason = `Telegram polling stopped: ${toError(error).message}`;
      this.options.log.error(reason);
      this.options.onState({ kind: 'error', reason, fatal: true });
    }
    clearTimeout(this.lazySave);
    await this.wait(STOP_WAIT_MS, { orSettled: Promise.all(this.inFlight), untilStop: false });
    await this.saveNow();
  }

  private async pollUntilStopped(): Promise<void> {
    const { api } = this.options;
    let broughtNew = true;
    while (!this.abort.signal.aborted) {
      if (this.queue.size >= POLL_LIMIT) {
        await this.wait(undefined, { orHandlerDone: true });
        continue;
      }
      if (this.queue.size > 0 && !broughtNew)
        await this.wait(BUSY_POLL_MS, { orHandlerDone: true });
      if (this.abort.signal.aborted) return;
      let updates: Update[];
      // While recovering, poll briefly: recovery is confirmed without waiting out a long poll.
      // While handlers run, the poll returns at once anyway (their updates are still there).
      const timeout =
        this.queue.size > 0 ? 0 : this.failures > 0 ? 1 : (this.options.pollTimeoutSeconds ?? 25);
      const poll = new AbortController();
      this.poll = poll;
      const waitMs = timeout * 1000 + (this.options.pollGraceMs ?? POLL_GRACE_MS);
      const deadline = setTimeout(
        () => poll.abort(new PollTimeout(`no answer to a long poll in ${waitMs / 1000} s`)),
        waitMs,
      );
      const offset = this.queue.offset;
      try {
        updates = await api.getUpdates(
          {
            ...(offset === undefined ? {} : { offset }),
            timeout,
            limit: POLL_LIMIT,
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
        this.failures += 1;
        this.lastFailureAt = Date.now();
        const verdict = describePollFailure(
          poll.signal.reason instanceof PollTimeout ? poll.signal.reason : error,
          this.failures,
          this.options.apiRoot,
        );
        this.problems.problem(verdict.key, verdict.message);
        this.options.onState({ kind: 'error', reason: verdict.message, fatal: verdict.fatal });
        if (verdict.fatal) return;
        await this.wait(verdict.waitMs);
        broughtNew = true;
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
      broughtNew = false;
      for (const update of updates) {
        if (this.queue.add(update.update_id, orderKeyOf(update), update)) broughtNew = true;
      }
      this.startWaiting();
    }
  }

  /** Starts every update that may run now. */
  private startWaiting(): void {
    for (let next = this.queue.take(); next; next = this.queue.take()) {
      const job = this.runOne(next);
      this.inFlight.add(job);
      void job.finally(() => this.inFlight.delete(job));
    }
  }

  private async runOne(next: QueuedUpdate<Update>): Promise<void> {
    let outcome: HandleOutcome = 'handled';
    try {
      outcome = (await this.options.handle(next.item)) ?? 'handled';
    } catch (error) {
      // A failing handler must not stall its chat: log it and move on to the next update.
      this.options.log.error(`Handling update ${next.id} failed: ${toError(error).message}`);
    }
    this.queue.done(next);
    if (outcome === 'handled')
      this.newestHandled = Math.max(this.newestHandled ?? next.id, next.id);
    this.offsetMoved();
    for (const wake of [...this.onDone]) wake();
    if (!this.abort.signal.aborted) this.startWaiting();
  }

  /**
   * An update that had an effect gets its offset saved at once; one that changed nothing (a flood
   * of strangers' updates) only moves it in memory, saved by a slow timer or at the stop.
   * Redelivery of those is harmless: they are ignored again.
   */
  private offsetMoved(): void {
    const offset = this.queue.offset;
    if (offset === undefined || offset === this.savedOffset) return;
    const unsavedEffect =
      this.newestHandled !== undefined && this.newestHandled >= (this.savedOffset ?? -Infinity);
    if (unsavedEffect) void this.saveNow();
    else this.saveLater();
  }

  /** Saves the current offset; saves run one at a time, and a failure is said and retried later. */
  private saveNow(): Promise<void> {
    clearTimeout(this.lazySave);
    this.lazySave = undefined;
    this.saving = this.saving.then(async () => {
      const offset = this.queue.offset;
      if (offset === undefined || offset === this.savedOffset) return;
      try {
        await this.options.saveOffset(offset);
        this.savedOffset = offset;
        this.saveProblems.resolved('Saving where Telegram polling stopped works again.');
      } catch (error) {
        this.saveProblems.problem(
          'save',
          `Could not save where Telegram polling stopped (${toError(error).message}); trying again with the next update.`,
        );
        this.saveLater();
      }
    });
    return this.saving;
  }

  private saveLater(): void {
    // After the stop, the final save has run (or a late handler's own save will).
    if (this.abort.signal.aborted || this.lazySave) return;
    this.lazySave = setTimeout(() => void this.saveNow(), LAZY_SAVE_MS);
    this.lazySave.unref?.();
  }

  /**
   * Waits `ms` (or forever) or until: a handler finishes, `orSettled` settles, the stop (unless
   * `untilStop` is false). Leaves no listener behind, however often it is called.
   */
  private wait(
    ms: number | undefined,
    until: { orHandlerDone?: boolean; orSettled?: Promise<unknown>; untilStop?: boolean } = {},
  ): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.onDone.delete(done);
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      if (until.untilStop !== false) signal.addEventListener('abort', done, { once: true });
      if (until.orHandlerDone) this.onDone.add(done);
      void until.orSettled?.then(done, done);
    });
  }
}
