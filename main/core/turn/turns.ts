// Routes OpenCode's events to the turns the phone is watching: one LiveTurn per busy session that
// a chat follows, whether the turn was started from the phone or from the TUI at the desk.
import type { ChatDirectory } from '../chats';
import type { InFlightTurn, StateStore } from '../state-store';
import type { Logger } from '../log';
import type { OpencodeClient } from '../opencode/client';
import type { OpencodeEvent } from '../opencode/types';
import type { Messenger, Place } from '../telegram/messenger';
import { LiveTurn } from './live-turn';

/** How long a prompt may go without any sign of OpenCode working on it. */
const PROMPT_START_TIMEOUT_MS = 30_000;

export interface TurnRegistryDeps {
  messenger: Messenger;
  client: OpencodeClient;
  chats: ChatDirectory;
  log: Logger;
  store: StateStore;
  now: () => number;
  onChange: () => void;
}

export class TurnRegistry {
  private readonly turns = new Map<string, LiveTurn>();

  constructor(private readonly deps: TurnRegistryDeps) {}

  isBusy(sessionId: string): boolean {
    return this.turns.has(sessionId);
  }

  get(sessionId: string): LiveTurn | undefined {
    return this.turns.get(sessionId);
  }

  /** A turn the phone started: its reply message answers the user's message. */
  start(
    sessionId: string,
    place: Place,
    startedAt: number,
    replyTo?: number,
    existingMessageId?: number,
  ): LiveTurn {
    const existing = this.turns.get(sessionId);
    if (existing) return existing;
    const { chats, store } = this.deps;
    const turn = new LiveTurn({
      messenger: this.deps.messenger,
      client: this.deps.client,
      log: this.deps.log,
      place,
      sessionId,
      startedAt,
      replyTo,
      existingMessageId,
      renderOptions: () => ({ showReasoning: chats.get(place).showReasoning === true }),
      now: this.deps.now,
      // Persisted as soon as the reply exists: a bridge killed mid-turn finishes it after restart.
      onMessageId: (messageId) => {
        const record: InFlightTurn = {
          sessionId,
          chatId: place.chatId,
          threadId: place.threadId,
          messageId,
          startedAt,
          replyTo,
        };
        void store.update((state) => void (state.turns[sessionId] = record));
      },
    });
    this.turns.set(sessionId, turn);
    this.deps.onChange();
    if (existingMessageId === undefined) this.watchStart(turn);
    return turn;
  }

  /**
   * `prompt_async` answers 204 before OpenCode looks at the prompt; one it then refuses (an
   * attachment it cannot read) produces no event at all. Such a turn must not say "working" forever.
   */
  private watchStart(turn: LiveTurn): void {
    const timer = setTimeout(() => {
      if (this.turns.get(turn.sessionId) !== turn || turn.started) return;
      void this.deps.client.sessionStatus().then(
        (status) => {
          if (status[turn.sessionId] || turn.started || this.turns.get(turn.sessionId) !== turn)
            return;
          this.deps.log.warn(`OpenCode never started on the prompt in session ${turn.sessionId}.`);
          turn.markNeverStarted();
          this.finish(turn);
        },
        () => undefined,
      );
    }, PROMPT_START_TIMEOUT_MS);
    timer.unref?.();
  }

  onEvent(event: OpencodeEvent, sessionId: string): void {
    let turn = this.turns.get(sessionId);
    if (!turn) {
      if (event.type !== 'session.status' || event.properties.status.type !== 'busy') return;
      // A turn left on the phone by a previous run of the bridge continues in its own message.
      turn = this.resumePersisted(sessionId);
      if (!turn) {
        // A turn started elsewhere (the TUI at the desk) in a session a chat follows: show it too.
        const [place] = this.deps.chats.placesOf(sessionId);
        if (!place) return;
        turn = this.start(sessionId, place, this.deps.now());
      }
    }
    turn.apply(event);
    // OpenCode sends idle twice after an abort or error: the first one ends the turn.
    if (event.type === 'session.idle') this.finish(turn);
  }

  /**
   * After a (re)connect or a restart nothing can be replayed: turns a previous run of the bridge
   * left on the phone are picked up again in their own reply message, turns whose session went
   * idle meanwhile are finished from storage, and busy ones catch up.
   */
  resync(busySessions: ReadonlySet<string>): void {
    for (const sessionId of Object.keys(this.deps.store.current.turns))
      this.resumePersisted(sessionId);
    for (const turn of [...this.turns.values()]) {
      if (!busySessions.has(turn.sessionId)) this.finish(turn);
      else void turn.catchUp();
    }
    for (const sessionId of busySessions) {
      if (this.turns.has(sessionId)) continue;
      const [place] = this.deps.chats.placesOf(sessionId);
      if (place) void this.adopt(sessionId, place);
    }
  }

  private resumePersisted(sessionId: string): LiveTurn | undefined {
    const record = this.deps.store.current.turns[sessionId];
    if (!record || this.turns.has(sessionId)) return this.turns.get(sessionId);
    this.deps.log.info(`Picking up the turn in session ${sessionId} left by the previous run.`);
    const place = { chatId: record.chatId, threadId: record.threadId };
    const turn = this.start(sessionId, place, record.startedAt, record.replyTo, record.messageId);
    void turn.catchUp();
    return turn;
  }

  /** A followed session found busy after a reconnect: show its turn from its start. */
  private async adopt(sessionId: string, place: Place): Promise<void> {
    let startedAt = this.deps.now();
    try {
      const messages = await this.deps.client.messages(sessionId, 20);
      const lastUser = messages.filter((m) => m.info.role === 'user').at(-1);
      if (lastUser) startedAt = lastUser.info.time.created;
    } catch {
      // Without history the turn shows what arrives from now on.
    }
    if (!this.turns.has(sessionId)) await this.start(sessionId, place, startedAt).catchUp();
  }

  private finish(turn: LiveTurn): void {
    if (this.turns.get(turn.sessionId) !== turn) return;
    this.turns.delete(turn.sessionId);
    this.deps.onChange();
    void turn.finish().then(async () => {
      await this.deps.store.update((state) => void delete state.turns[turn.sessionId]);
      this.deps.log.info(`Turn in session ${turn.sessionId} delivered.`);
    });
  }

  sessions(): string[] {
    return [...this.turns.keys()];
  }

  clear(): void {
    for (const turn of this.turns.values()) turn.dispose();
    this.turns.clear();
  }
}
