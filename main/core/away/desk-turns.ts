// Turns of sessions, seen through OpenCode's events alone: busy → idle, with the time it took and
// whether it failed or was stopped. Pure: the caller passes the clock and decides what to tell.
import type { MessageError, OpencodeEvent } from '../opencode/types';

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
  apply(event: OpencodeEvent, sessionId: string, now: number): EndedTurn | undefined {
    switch (event.type) {
      case 'session.status': {
        const status = event.properties.status.type;
        // A retry is the same turn still going.
        if (status !== 'idle') {
          if (!this.running.has(sessionId))
            this.running.set(sessionId, { startedAt: now, aborted: false });
          return undefined;
        }
        return this.end(sessionId, now);
      }
      // OpenCode says idle twice after an abort or error: the first one ends the turn.
      case 'session.idle':
        return this.end(sessionId, now);
      case 'session.error':
        this.noteError(sessionId, event.properties.error);
        return undefined;
      case 'message.updated':
        if (event.properties.info.role === 'assistant')
          this.noteError(sessionId, event.properties.info.error);
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
