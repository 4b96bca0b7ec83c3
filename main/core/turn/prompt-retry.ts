// OpenCode 1.18 #47566: while another process holds a write lock on `opencode.db` past OpenCode's
// 5 s busy timeout, a prompt is taken (204) and then dropped: one failed-turn event (cause
// `database-locked`), nothing stored. The bridge still has the prompt, so it sends it again with
// backoff, says so once in the chat, and ends the turn in plain words if the database stays busy.
import { toError } from '../errors';
import type { Logger } from '../log';
import type { BridgeEvent } from '../opencode/adapter';
import type { MessageError } from '../opencode/types';
import type { Messenger, Place } from '../telegram/messenger';

/** Waits before the 1st, 2nd and 3rd resend. */
export const RESEND_DELAYS_MS: readonly number[] = [2000, 4000, 8000];

export const DATABASE_BUSY_NOTE =
  '⏳ OpenCode’s database was busy (another opencode process is writing it); trying again…';

export const DATABASE_GAVE_UP: MessageError = {
  name: 'UnknownError',
  data: {
    message:
      'OpenCode’s database stayed busy (another opencode process kept writing it), so your message never reached the agent. ' +
      'Close the other opencode (or start it with “opencode attach” to this bridge’s server), then send the message again.',
  },
};

export interface SentPrompt {
  place: Place;
  replyTo: number | undefined;
  /** Sends the same prompt again. */
  resend: () => Promise<void>;
}

export type Schedule = (run: () => void, ms: number) => { cancel(): void };

export interface PromptRetryDeps {
  messenger: Pick<Messenger, 'send'>;
  log: Logger;
  /** The prompt could not be delivered: the turn ends with this error. */
  giveUp: (sessionId: string, error: MessageError) => void;
  schedule?: Schedule;
  delays?: readonly number[];
}

interface Tracked extends SentPrompt {
  /** Resends so far. */
  attempts: number;
  told: boolean;
  timer: { cancel(): void } | undefined;
}

const defaultSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref?.();
  return { cancel: () => clearTimeout(timer) };
};

export class PromptRetries {
  /** Prompts sent to an idle session and not seen stored yet, by session (one turn each). */
  private readonly tracked = new Map<string, Tracked>();
  private readonly schedule: Schedule;
  private readonly delays: readonly number[];

  constructor(private readonly deps: PromptRetryDeps) {
    this.schedule = deps.schedule ?? defaultSchedule;
    this.delays = deps.delays ?? RESEND_DELAYS_MS;
  }

  /** A prompt is about to be sent to an idle session. */
  track(sessionId: string, prompt: SentPrompt): void {
    this.forget(sessionId);
    this.tracked.set(sessionId, { ...prompt, attempts: 0, told: false, timer: undefined });
  }

  forget(sessionId: string): void {
    this.tracked.get(sessionId)?.timer?.cancel();
    this.tracked.delete(sessionId);
  }

  /** Waiting to send a prompt again: the turn has not started, and must not be given up on. */
  retrying(sessionId: string): boolean {
    return this.tracked.get(sessionId)?.timer !== undefined;
  }

  /** True when the event is the lost prompt's failure, handled here (the turn must not see it). */
  onEvent(event: BridgeEvent): boolean {
    const entry = this.tracked.get(event.sessionId);
    if (!entry) return false;
    // Stored: OpenCode has the prompt, whatever happens next is the turn's own business.
    if (event.type === 'user-message') {
      this.forget(event.sessionId);
      return false;
    }
    if (event.type !== 'turn-failed' || event.cause !== 'database-locked') return false;
    const delay = this.delays[entry.attempts];
    if (delay === undefined) {
      this.end(event.sessionId, `still locked after ${entry.attempts} tries`);
      return true;
    }
    entry.attempts++;
    this.deps.log.warn(
      `OpenCode's database was locked; sending the prompt in session ${event.sessionId} again in ${delay / 1000} s (try ${entry.attempts} of ${this.delays.length}).`,
    );
    if (!entry.told) {
      entry.told = true;
      this.deps.messenger
        .send(entry.place, DATABASE_BUSY_NOTE, {
          priority: 'interactive',
          replyToMessageId: entry.replyTo,
          silent: true,
        })
        .catch((error: unknown) =>
          this.deps.log.warn(`Could not say the database was busy: ${toError(error).message}`),
        );
    }
    entry.timer = this.schedule(() => {
      entry.timer = undefined;
      if (this.tracked.get(event.sessionId) !== entry) return;
      entry.resend().catch((error: unknown) => {
        const reason = toError(error).message;
        this.end(event.sessionId, reason, {
          name: 'UnknownError',
          data: { message: `your message did not reach OpenCode when sent again: ${reason}` },
        });
      });
    }, delay);
    return true;
  }

  private end(sessionId: string, why: string, error: MessageError = DATABASE_GAVE_UP): void {
    this.forget(sessionId);
    this.deps.log.error(`Gave up sending the prompt in session ${sessionId}: ${why}.`);
    this.deps.giveUp(sessionId, error);
  }

  clear(): void {
    for (const sessionId of [...this.tracked.keys()]) this.forget(sessionId);
  }

  get size(): number {
    return this.tracked.size;
  }
}
