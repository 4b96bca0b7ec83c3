// Turns of sessions, seen through OpenCode's events alone: busy → idle, with the time it took and
// whether it failed or was stopped. Pure: the caller passes the clock and decides what to tell.
import type { BridgeEvent } from '../opencode/adapter';
import type { MessageError } from '../opencode/types';

export interface EndedTurn {
  sessionId: string;
  startedAt: number;
  endedAt: number;
  error?: MessageError | undefined;
  aborted: boolean;
}

interface Running {
  startedAt: number;
  error?: MessageError | undefined;
  aborted: boolean;
}

export class DeskTurnTracker {
  private readonly running = new Map<string, Running>();

  /** The turn this event ends, if it ends one. */
  apply(event: BridgeEvent, now: number): EndedTurn | undefined {
    const { sessionId } = event;
    switch (event.type) {
      case 'status': {
        const status = event.status.type;
        // A retry is the same turn still going.
        if (status !== 'idle') {
          if (!this.running.has(sessionId))
            this.running.set(sessionId, { startedAt: now, aborted: false });
          return undefined;
        }
        return this.end(sessionId, now);
      }
      // OpenCode says idle twice after an abort or error: the first one ends the turn.
      case 'turn-finished':
        return this.end(sessionId, now);
      case 'turn-failed':
        this.noteError(sessionId, event.error);
        return undefined;
      case 'assistant-message':
        this.noteError(sessionId, event.message.error);
        return undefined;
      default:
        return undefined;
    }
  }

  isRunning(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  private noteError(sessionId: string, error: MessageError | undefined): void {
    const turn = this.running.get(sessionId);
    if (!turn || !error) return;
    if (error.name === 'MessageAbortedError') turn.aborted = true;
    else turn.error = error;
  }

  private end(sessionId: string, now: number): EndedTurn | undefined {
    const turn = this.running.get(sessionId);
    if (!turn) return undefined;
    this.running.delete(sessionId);
    return {
      sessionId,
      startedAt: turn.startedAt,
      endedAt: now,
      error: turn.error,
      aborted: turn.aborted,
    };
  }
}
