// Routes OpenCode's events to the turns the phone is watching: one turn per busy session that
// a chat follows, whether the turn was started from the phone or from the TUI at the desk.
import type { ChatDirectory } from '../chats';
import { toError } from '../errors';
import type { InFlightTurn, StateStore } from '../state-store';
import type { Logger } from '../log';
import type { BridgeEvent, OpencodeAdapter } from '../opencode/adapter';
import type { Messenger, Place } from '../telegram/messenger';
import type { ForcedPath } from '../telegram/capabilities';
import type { LiveTurnDeps } from './live-turn';
import { PromptRetries, type Schedule, type SentPrompt } from './prompt-retry';
import { createTurn, samePlace, Streaming } from './streaming';
import type { Turn } from './turn';

/** How long a prompt may go without any sign of OpenCode working on it. */
const PROMPT_START_TIMEOUT_MS = 30_000;

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

interface SeenUserMessage {
  id: string;
  created: number;
}

export class TurnRegistry {
  private readonly turns = new Map<string, Turn>();
  /**
   * The newest user message seen per session a chat follows (or with a live turn): where a turn
   * started at the desk begins. Forgotten when the session is deleted, or when its turn ends and
   * no chat follows it any more.
   */
  private readonly lastUserMessage = new Map<string, SeenUserMessage>();
  /**
   * Reply messages (`chatId:messageId`) of turns this run is delivering. A persisted turn whose
   * reply is not among them was left by a previous run; one that is belongs to a turn still being
   * delivered, and must not be "resumed" by the session's next turn. Forgotten once delivered.
   */
  private readonly ownReplies = new Set<string>();
  /**
   * Telegram messages whose prompts OpenCode queued behind a running turn, oldest first. Forgotten
   * when the session goes idle: by then OpenCode ran the queue or dropped it (an abort).
   */
  private readonly queued = new Map<string, number[]>();

  private readonly streaming: Streaming | undefined;
  /** Turns of new prompts, watched until OpenCode starts on them. */
  private readonly watched = new WeakSet<Turn>();
  /** Prompts OpenCode dropped because its database was locked, sent again (prompt-retry.ts). */
  private readonly retries: PromptRetries;

  constructor(private readonly deps: TurnRegistryDeps) {
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
    const { chats, store } = this.deps;
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
      // Persisted as soon as the reply exists: a bridge killed mid-turn finishes it after restart.
      onMessageId: (messageId) => {
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
        void store.update((state) => void (state.turns[sessionId] = record));
      },
    };
    const turn = createTurn(deps, this.streaming);
    this.turns.set(sessionId, turn);
    this.deps.onChange();
    if (existingMessageId === undefined) this.watchStart(turn);
    return turn;
  }

  /**
   * OpenCode takes a prompt before it looks at it; one it then refuses (an
   * attachment it cannot read) produces no event at all. Such a turn must not say "working" forever.
   */
  private watchStart(turn: Turn): void {
    this.watched.add(turn);
    const timer = setTimeout(() => {
      if (this.turns.get(turn.sessionId) !== turn || turn.started) return;
      // Sending the prompt again after a locked database: the clock starts over.
      if (this.retries.retrying(turn.sessionId)) return this.watchStart(turn);
      void this.deps.client.sessionStatus().then(
        (status) => {
          if (status[turn.sessionId] || turn.started || this.turns.get(turn.sessionId) !== turn)
            return;
          this.deps.log.warn(`OpenCode never started on the prompt in session ${turn.sessionId}.`);
          turn.markNeverStarted();
          void this.finish(turn);
        },
        () => undefined,
      );
    }, PROMPT_START_TIMEOUT_MS);
    timer.unref?.();
  }

  /** A prompt sent while the session was busy: OpenCode runs it after the current one. */
  noteQueued(sessionId: string, replyTo: number | undefined): void {
    if (replyTo === undefined) return;
    this.queued.set(sessionId, [...(this.queued.get(sessionId) ?? []), replyTo]);
  }

  onEvent(event: BridgeEvent): void {
    const { sessionId } = event;
    if (this.retries.onEvent(event)) return;
    if (event.type === 'session-deleted') this.forget(sessionId);
    if (event.type === 'user-message' && (this.turns.has(sessionId) || this.followed(sessionId))) {
      this.lastUserMessage.set(sessionId, { id: event.messageId, created: event.created });
    }
    if (event.type === 'turn-finished') this.queued.delete(sessionId);
    let turn = this.turns.get(sessionId);
    if (turn && event.type === 'assistant-message') {
      // An answer to a later user message: a queued prompt has started. It gets its own reply.
      const own = turn.model.userMessageId;
      const parent = event.message.parentID;
      if (own !== undefined && parent > own) {
        const place = turn.place;
        const delivered = this.finish(turn);
        const replyTo = this.queued.get(sessionId)?.shift();
        const created = this.lastUserMessage.get(sessionId);
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
        const user = this.lastUserMessage.get(sessionId);
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
    for (const sessionId of Object.keys(this.deps.store.current.turns))
      this.resumePersisted(sessionId);
    for (const turn of [...this.turns.values()]) {
      // A prompt sent while the status was being read may be missing from it: a turn OpenCode
      // has said nothing about yet is left to the start watch.
      if (!busySessions.has(turn.sessionId) && !turn.started && this.watched.has(turn)) continue;
      if (!busySessions.has(turn.sessionId)) {
        this.queued.delete(turn.sessionId);
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
    const record = this.deps.store.current.turns[sessionId];
    const key = record && replyKey(record.chatId, record.messageId);
    if (!record || !key || this.turns.has(sessionId) || this.ownReplies.has(key)) {
      return this.turns.get(sessionId);
    }
    this.ownReplies.add(key);
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
    let startedAt = this.deps.now();
    let userMessageId: string | undefined;
    try {
      const messages = await this.deps.client.messages(sessionId, 20);
      const lastUser = messages.filter((m) => m.info.role === 'user').at(-1);
      if (lastUser) {
        startedAt = lastUser.info.time.created;
        userMessageId = lastUser.info.id;
      }
    } catch {
      // Without history the turn shows what arrives from now on.
    }
    if (!this.turns.has(sessionId))
      await this.start(sessionId, place, startedAt, { userMessageId }).catchUp();
  }

  /** Ends a turn; resolves once its answer and notice are delivered. Never rejects. */
  private finish(turn: Turn): Promise<void> {
    if (this.turns.get(turn.sessionId) !== turn) return Promise.resolve();
    this.turns.delete(turn.sessionId);
    this.retries.forget(turn.sessionId);
    this.deps.onChange();
    const delivered = turn.finish().then(async () => {
      // Only this turn's record: the session's next turn may have recorded its own meanwhile.
      await this.deps.store.update((state) => {
        if (state.turns[turn.sessionId]?.messageId === turn.replyMessageId)
          delete state.turns[turn.sessionId];
      });
      if (turn.replyMessageId !== undefined)
        this.ownReplies.delete(replyKey(turn.place.chatId, turn.replyMessageId));
      if (!this.turns.has(turn.sessionId) && !this.followed(turn.sessionId))
        this.lastUserMessage.delete(turn.sessionId);
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
    this.lastUserMessage.delete(sessionId);
    this.queued.delete(sessionId);
  }

  /** How much the registry holds, for diagnostics (each stays bounded by the chats and turns). */
  sizes(): Record<string, number> {
    return {
      turns: this.turns.size,
      lastUserMessage: this.lastUserMessage.size,
      ownReplies: this.ownReplies.size,
      queued: this.queued.size,
      retries: this.retries.size,
    };
  }

  sessions(): string[] {
    return [...this.turns.keys()];
  }

  clear(): void {
    for (const turn of this.turns.values()) turn.dispose();
    this.turns.clear();
    this.lastUserMessage.clear();
    this.queued.clear();
    this.retries.clear();
  }
}

function replyKey(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}
