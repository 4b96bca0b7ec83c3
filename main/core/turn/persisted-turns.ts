// Keeps the phone's in-flight turns in the state store, so a restarted bridge finishes each one.
import type { InFlightTurn, StateStore } from '../state-store';
import type { Place } from '../telegram/messenger';
import type { Turn } from './turn';

export class PersistedTurns {
  /**
   * Reply messages (`chatId:messageId`) of turns this run is delivering. A persisted turn whose
   * reply is not among them was left by a previous run; one that is belongs to a turn still being
   * delivered, and must not be "resumed" by the session's next turn. Forgotten once delivered.
   */
  private readonly ownReplies = new Set<string>();

  constructor(private readonly store: StateStore) {}

  get size(): number {
    return this.ownReplies.size;
  }

  /** Sessions with a persisted turn, this run's or a previous one's. */
  sessionIds(): string[] {
    return Object.keys(this.store.current.turns);
  }

  /** Persisted as soon as the reply exists: a bridge killed mid-turn finishes it after restart. */
  record(
    sessionId: string,
    place: Place,
    messageId: number,
    startedAt: number,
    replyTo: number | undefined,
  ): void {
    this.ownReplies.add(replyKey(place.chatId, messageId));
    const record: InFlightTurn = {
      sessionId,
      chatId: place.chatId,
      threadId: place.threadId,
      messageId,
      startedAt,
      replyTo,
    };
    // The store reports its own write failures and never rejects: nothing to catch here.
    void this.store.update((state) => void (state.turns[sessionId] = record));
  }

  /** The session's turn a previous run left on the phone, now claimed by this run; else undefined. */
  claimLeftBehind(sessionId: string): InFlightTurn | undefined {
    const record = this.store.current.turns[sessionId];
    if (!record) return undefined;
    const key = replyKey(record.chatId, record.messageId);
    if (this.ownReplies.has(key)) return undefined;
    this.ownReplies.add(key);
    return record;
  }

  /** A turn delivered: its record goes, and its reply is no longer this run's to deliver. */
  async delivered(turn: Pick<Turn, 'sessionId' | 'place' | 'replyMessageId'>): Promise<void> {
    // Only this turn's record: the session's next turn may have recorded its own meanwhile.
    await this.store.update((state) => {
      if (state.turns[turn.sessionId]?.messageId === turn.replyMessageId)
        delete state.turns[turn.sessionId];
    });
    if (turn.replyMessageId !== undefined)
      this.ownReplies.delete(replyKey(turn.place.chatId, turn.replyMessageId));
  }
}

function replyKey(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}
