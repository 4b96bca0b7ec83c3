// Ends the turn of a prompt OpenCode took but never started on, so it does not say "working" forever.
import type { Logger } from '../log';
import type { OpencodeAdapter } from '../opencode/adapter';
import type { Turn } from './turn';

/** How long a prompt may go without any sign of OpenCode working on it. */
const PROMPT_START_TIMEOUT_MS = 30_000;

export interface StartWatchDeps {
  client: OpencodeAdapter;
  log: Logger;
  /** The turn is still its session's current one. */
  isCurrent: (turn: Turn) => boolean;
  /** The prompt is being sent again after a locked database. */
  retrying: (sessionId: string) => boolean;
  /** Called once the turn is marked as never started: ends it. */
  finish: (turn: Turn) => void;
}

/**
 * OpenCode takes a prompt before it looks at it; one it then refuses (an
 * attachment it cannot read) produces no event at all. Such a turn must not say "working" forever.
 */
export function watchStart(turn: Turn, deps: StartWatchDeps): void {
  const timer = setTimeout(() => {
    if (!deps.isCurrent(turn) || turn.started) return;
    // Sending the prompt again after a locked database: the clock starts over.
    if (deps.retrying(turn.sessionId)) return watchStart(turn, deps);
    void deps.client.sessionStatus().then(
      (status) => {
        if (status[turn.sessionId] || turn.started || !deps.isCurrent(turn)) return;
        deps.log.warn(`OpenCode never started on the prompt in session ${turn.sessionId}.`);
        turn.markNeverStarted();
        deps.finish(turn);
      },
      () => undefined,
    );
  }, PROMPT_START_TIMEOUT_MS);
  timer.unref?.();
}
