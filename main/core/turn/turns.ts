// Routes OpenCode's events to the turns the phone is watching: one turn per busy session that
// a chat follows, whether the turn was started from the phone or from the TUI at the desk.
import type { ChatDirectory } from '../chats';
import { toError } from '../errors';
import type { StateStore } from '../state-store';
import type { Logger } from '../log';
import type { BridgeEvent, OpencodeAdapter } from '../opencode/adapter';
import type { Messenger, Place } from '../telegram/messenger';
import type { ForcedPath } from '../telegram/capabilities';
import type { LiveTurnDeps } from './live-turn';
import { PersistedTurns } from './persisted-turns';
import { PromptRetries, type Schedule, type SentPrompt } from './prompt-retry';
import { lastUserMessageIn, SessionMemory } from './session-memory';
import { watchStart, type StartWatchDeps } from './start-watch';
import { createTurn, samePlace, Streaming } from './streaming';
import type { Turn } from './turn';

export interface TurnRegistryDeps {
  messenger: Messenger;
  client: OpencodeAdapter;
  chats: ChatDirectory;
  log: Logger;
  store: StateStore;
  now: () => number;
  onChange: () => void;
  /** BRIDGE_STREAMING / BRIDGE_RICH; without it every turn is edited in place in HTML. */
  streaming?: ForcedPath | undefined;
  /** Timers of the resends after a "database is locked" (tests pass a fake clock). */
  schedule?: Schedule;
}

export interface TurnOptions {
  /** The user's Telegram message the reply answers. */
  replyTo?: number | undefined;
  /** Resume in this existing reply message instead of sending a new one. */
  existingMessageId?: number | undefined;
  /** The OpenCode user message the turn answers, when known. */
  userMessageId?: string | undefined;
  /** Wait for this (the previous turn's delivery) before sending the reply message. */
  after?: Promise<unknown> | undefined;
}

export class TurnRegistry {
  private readonly turns = new Map<string, Turn>();
  /** Each session's newest user message and queued prompts (session-memory.ts). */
  private readonly memory = new SessionMemory();
  /** Turns in flight kept in the state store, and which of them this run delivers. */
  private readonly persisted: PersistedTurns;

  private readonly streaming: Streaming | undefined;
  /** Turns of new prompts, watched until OpenCode starts on them. */
  private readonly watched = new WeakSet<Turn>();
  /** Prompts OpenCode dropped because its database was locked, sent again (prompt-retry.ts). */
  private readonly retries: PromptRetries;
  private readonly startWatch: StartWatchDeps;

  constructor(private readonly deps: TurnRegistryDeps) {
    this.persisted = new PersistedTurns(deps.store);
    this.startWatch = {
      client: deps.client,
      log: deps.log,
      isCurrent: (turn) => this.turns.get(turn.sessionId) === turn,
      retrying: (sessionId) => this.retries.retrying(sessionId),
      finish: (turn) => void this.finish(turn),
    };
    this.retries = new PromptRetries({
      messenger: deps.messenger,
      log: deps.log,
      giveUp: (sessionId, error) => {
        const turn = this.turns.get(sessionId);
        if (!turn) return;
        turn.apply({ type: 'turn-failed', sessionId, error });
        void this.finish(turn);
      },
      ...(deps.schedule ? { schedule: deps.schedule } : {}),
    });
    if (!deps.streaming) return;
    this.streaming = new Streaming(deps.messenger, deps.streaming, deps.log);
    this.streaming.redrawAfterMessages(() => this.turns.values());
  }

  /** Stop pressed on a draft: aborts the turn streaming under it. False when none does. */
  async stopDraft(place: Place, draftId: number): Promise<boolean> {
    const turn = [...this.turns.values()].find(
      (t) => t.draftId === draftId && samePlace(t.place, place),
    );
    await turn?.stop?.();
    return turn !== undefined;
  }

  /** A prompt is about to go to an idle session: kept, to send again if OpenCode drops it. */
  expectPrompt(sessionId: string, prompt: SentPrompt): void {
    this.retries.track(sessionId, prompt);
  }

  /** The prompt did not reach OpenCode at all (the sender says so): nothing to send again. */
  promptFailed(sessionId: string): void {
    this.retries.forget(sessionId);
  }

  isBusy(sessionId: string): boolean {
    return this.turns.has(sessionId);
  }

  get(sessionId: string): Turn | undefined {
    return this.turns.get(sessionId);
  }

  /** A turn the phone started: its reply message answers the user's message. */
  start(sessionId: string, place: Place, startedAt: number, options: TurnOptions = {}): Turn {
    const { replyTo, existingMessageId, userMessageId, after } = options;
    const existing = this.turns.get(sessionId);
    if (existing) return existing;
    const { chats } = this.deps;
    const deps: LiveTurnDeps = {
      messenger: this.deps.messenger,
      client: this.deps.client,
      log: this.deps.log,
      place,
      sessionId,
      startedAt,
      replyTo,
      existingMessageId,
      userMessageId,
      after,
      renderOptions: () => ({ showReasoning: chats.get(place).showReasoning === true }),
      now: this.deps.now,
      onMessageId: (messageId) =>
        this.persisted.record(sessionId, place, messageId, startedAt, replyTo),
    };
    const turn = createTurn(deps, this.streaming);
    this.turns.set(sessionId, turn);
    this.deps.onChange();
    if (existingMessageId === undefined) {
      this.watched.add(turn);
      watchStart(turn, this.startWatch);
    }
    return turn;
  }

  /** A prompt sent while the session was busy: OpenCode runs it after the current one. */
  noteQueued(sessionId: string, replyTo: number | undefined): void {
    if (replyTo === undefined) return;
    this.memory.queue(sessionId, replyTo);
  }

  onEvent(event: BridgeEvent): void {
    const { sessionId } = event;
    if (this.retries.onEvent(event)) return;
    if (event.type === 'session-deleted') this.forget(sessionId);
    if (event.type === 'user-message' && (this.turns.has(sessionId) || this.followed(sessionId))) {
      this.memory.noteUserMessage(sessionId, { id: event.messageId, created: event.created });
    }
    if (event.type === 'turn-finished') this.memory.dropQueue(sessionId);
    let turn = this.turns.get(sessionId);
    if (turn && event.type === 'assistant-message') {
      // An answer to a later user message: a queued prompt has started. It gets its own reply.
      const own = turn.model.userMessageId;
      const parent = event.message.parentID;
      if (own !== undefined && parent > own) {
        const place = turn.place;
        const delivered = this.finish(turn);
        const replyTo = this.memory.nextQueued(sessionId);
        const created = this.memory.lastUserMessage(sessionId);
        turn = this.start(
          sessionId,
          place,
          created?.id === parent ? created.created : this.deps.now(),
          { replyTo, userMessageId: parent, after: delivered },
        );
      }
    }
    if (!turn) {
      if (event.type !== 'status' || event.status.type !== 'busy') return;
      // A turn left on the phone by a previous run of the bridge continues in its own message.
      turn = this.resumePersisted(sessionId);
      if (!turn) {
        // A turn started elsewhere (the TUI at the desk) in a session a chat follows: show it too,
        // from its user message on (OpenCode may have written the answer's first message already).
        const [place] = this.deps.chats.placesOf(sessionId);
        if (!place) return;
        const user = this.memory.lastUserMessage(sessionId);
        turn = this.start(sessionId, place, user?.created ?? this.deps.now(), {
          userMessageId: user?.id,
        });
      }
    }
    turn.apply(event);
    // OpenCode sends idle twice after an abort or error: the first one ends the turn.
    if (event.type === 'turn-finished') void this.finish(turn);
  }

  /**
   * After a (re)connect or a restart nothing can be replayed: turns a previous run of the bridge
   * left on the phone are picked up again in their own reply message, turns whose session went
   * idle meanwhile are finished from storage, and busy ones catch up.
   */
  resync(busySessions: ReadonlySet<string>): void {
    for (const sessionId of this.persisted.sessionIds()) this.resumePersisted(sessionId);
    for (const turn of [...this.turns.values()]) {
      // A prompt sent while the status was being read may be missing from it: a turn OpenCode
      // has said nothing about yet is left to the start watch.
      if (!busySessions.has(turn.sessionId) && !turn.started && this.watched.has(turn)) continue;
      if (!busySessions.has(turn.sessionId)) {
        this.memory.dropQueue(turn.sessionId);
        void this.finish(turn);
      } else void turn.catchUp();
    }
    for (const sessionId of busySessions) {
      if (this.turns.has(sessionId)) continue;
      const [place] = this.deps.chats.placesOf(sessionId);
      if (place)
        this.follow(sessionId, place).catch((error: unknown) =>
          this.deps.log.error(`Following session ${sessionId} failed: ${toError(error).message}`),
        );
    }
  }

  private resumePersisted(sessionId: string): Turn | undefined {
    const existing = this.turns.get(sessionId);
    if (existing) return existing;
    const record = this.persisted.claimLeftBehind(sessionId);
    if (!record) return undefined;
    this.deps.log.info(`Picking up the turn in session ${sessionId} left by the previous run.`);
    const place = { chatId: record.chatId, threadId: record.threadId };
    const turn = this.start(sessionId, place, record.startedAt, {
      replyTo: record.replyTo,
      existingMessageId: record.messageId,
    });
    void turn.catchUp();
    return turn;
  }

  /** A followed session found busy (after a reconnect, or picked in /sessions): show its turn from its start. */
  async follow(sessionId: string, place: Place): Promise<void> {
    const now = this.deps.now();
    const user = await lastUserMessageIn(this.deps.client, sessionId);
    if (!this.turns.has(sessionId))
      await this.start(sessionId, place, user?.created ?? now, {
        userMessageId: user?.id,
      }).catchUp();
  }

  /** Ends a turn; resolves once its answer and notice are delivered. Never rejects. */
  private finish(turn: Turn): Promise<void> {
    if (this.turns.get(turn.sessionId) !== turn) return Promise.resolve();
    this.turns.delete(turn.sessionId);
    this.retries.forget(turn.sessionId);
    this.deps.onChange();
    const delivered = turn.finish().then(async () => {
      await this.persisted.delivered(turn);
      if (!this.turns.has(turn.sessionId) && !this.followed(turn.sessionId))
        this.memory.forgetUserMessage(turn.sessionId);
      this.deps.log.info(`Turn in session ${turn.sessionId} delivered.`);
    });
    // Callers fire and forget: a failure is said here, never left unhandled.
    return delivered.catch((error: unknown) =>
      this.deps.log.error(
        `Finishing the turn in ${turn.sessionId} failed: ${toError(error).message}`,
      ),
    );
  }

  private followed(sessionId: string): boolean {
    return this.deps.chats.placesOf(sessionId).length > 0;
  }

  /** A deleted session: what was kept for its next turn is not needed any more. */
  private forget(sessionId: string): void {
    this.retries.forget(sessionId);
    this.memory.forget(sessionId);
  }

  /** How much the registry holds, for diagnostics (each stays bounded by the chats and turns). */
  sizes(): Record<string, number> {
    return {
      turns: this.turns.size,
      lastUserMessage: this.memory.userMessageCount,
      ownReplies: this.persisted.size,
      queued: this.memory.queuedCount,
      retries: this.retries.size,
    };
  }

  sessions(): string[] {
    return [...this.turns.keys()];
  }

  clear(): void {
    for (const turn of this.turns.values()) turn.dispose();
    this.turns.clear();
    this.memory.clear();
    this.retries.clear();
  }
}
