// One turn as the phone sees it: a reply message that is edited in place while the agent works
// (never more often than the outbox allows), then replaced by the full final answer, followed by
// a short notice so the phone buzzes. The final text is read back from OpenCode's stored messages,
// so it is complete even if streamed events were missed.
import type { Logger } from '../log';
import type { BridgeEvent, OpencodeAdapter } from '../opencode/adapter';
import type { Messenger, Place } from '../telegram/messenger';
import type { RenderOptions } from './render-turn';
import { renderFinalDelivery, renderLive, renderNotice } from './render-turn';
import { readFinalModel } from './final-model';
import type { Turn } from './turn';
import { TurnModel } from './turn-model';

export interface LiveTurnDeps {
  messenger: Messenger;
  client: OpencodeAdapter;
  log: Logger;
  place: Place;
  sessionId: string;
  startedAt: number;
  /** The user's message this turn answers, when it started from the phone. */
  replyTo?: number | undefined;
  renderOptions: () => RenderOptions;
  now?: () => number;
  /** Resuming a turn whose reply message already exists (after a bridge restart). */
  existingMessageId?: number | undefined;
  /** The user message this turn answers, when already known (desk turns, queued prompts). */
  userMessageId?: string | undefined;
  /** Send the reply only after this settles (the previous turn's answer and notice go first). */
  after?: Promise<unknown> | undefined;
  /** Called once the reply message exists, so the turn can be persisted. */
  onMessageId?: ((messageId: number) => void) | undefined;
  /** What the turn produced so far, when it continues a draft that failed. */
  model?: TurnModel | undefined;
  /** Delivers the final answer as rich content instead; false: it could not, use HTML. */
  richFinal?: ((final: TurnModel, messageId: number | undefined) => Promise<boolean>) | undefined;
}

const TYPING_EVERY_MS = 4_500;
/**
 * How long live edits to the chat wait once a text part of the answer has ended: OpenCode says
 * the turn is over a few hundred ms later, and its final text and notice then find the chat free
 * instead of waiting behind an edit that the final text replaces anyway.
 */
const HOLD_EDITS_AT_TEXT_END_MS = 1_500;
const FINAL_MESSAGES_TO_READ = 50;

export class LiveTurn implements Turn {
  model: TurnModel;
  private readonly messageId: Promise<number | undefined>;
  private editQueued = false;
  private sawEvent = false;
  /** What the live message shows now, so an unchanged render costs no Telegram call. */
  private shown: string | undefined;
  private finished = false;
  /**
   * A turn picked up after a restart: its message still shows what the previous run put there, and
   * an empty model must not edit it back to "working…". Live edits wait for the first catch-up
   * from storage, and never show a resumed turn of which nothing is known yet, or a text part of
   * which only the end is known (OpenCode stores a part's text when the part ends, so a part
   * under way at the restart reads back empty and its later deltas are a fragment).
   */
  private readonly resumed: boolean;
  private caughtUp: boolean;
  /** Text parts seen (from storage or their start event), and those still missing their start. */
  private readonly seenParts = new Set<string>();
  private readonly partialParts = new Set<string>();
  private readonly typingTimer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly deps: LiveTurnDeps) {
    this.now = deps.now ?? Date.now;
    this.resumed = deps.existingMessageId !== undefined;
    this.caughtUp = !this.resumed;
    this.model = deps.model ?? new TurnModel(deps.sessionId, deps.startedAt);
    this.model.userMessageId ??= deps.userMessageId;
    this.shown = renderLive(this.model, deps.renderOptions());
    this.messageId =
      deps.existingMessageId !== undefined
        ? Promise.resolve(deps.existingMessageId)
        : (deps.after ?? Promise.resolve())
            .catch(() => undefined)
            .then(() =>
              deps.messenger.send(deps.place, this.shown ?? '⏳', {
                priority: 'interactive',
                replyToMessageId: deps.replyTo,
                silent: true,
              }),
            )
            .then(
              (message) => {
                this.replyMessageId = message.message_id;
                deps.onMessageId?.(message.message_id);
                return message.message_id;
              },
              (error: unknown) => {
                deps.log.error(`Could not send the reply message: ${(error as Error).message}`);
                return undefined;
              },
            );
    if (deps.existingMessageId !== undefined) {
      this.shown = undefined;
      this.replyMessageId = deps.existingMessageId;
    }
    void deps.messenger.typing(deps.place);
    this.typingTimer = setInterval(() => void deps.messenger.typing(deps.place), TYPING_EVERY_MS);
    this.typingTimer.unref?.();
  }

  get sessionId(): string {
    return this.deps.sessionId;
  }

  /** The reply message's id, once it exists. */
  replyMessageId: number | undefined;

  get startedAt(): number {
    return this.deps.startedAt;
  }

  get replyTo(): number | undefined {
    return this.deps.replyTo;
  }

  /**
   * Re-reads what the turn produced so far from OpenCode's storage: after a reconnect or a restart
   * the events in between are gone for good, and the live message should not fall behind.
   */
  async catchUp(): Promise<void> {
    if (this.finished) return;
    try {
      const messages = await this.deps.client.messages(this.deps.sessionId, FINAL_MESSAGES_TO_READ);
      const fresh = TurnModel.fromMessages(
        this.deps.sessionId,
        this.deps.startedAt,
        messages,
        this.model.userMessageId,
      );
      fresh.status = this.model.status.type === 'idle' ? { type: 'busy' } : this.model.status;
      this.model = fresh;
      const own = this.model.userMessageId;
      const ours = messages.filter(
        ({ info }) =>
          info.role === 'assistant' &&
          (own ? info.parentID === own : info.time.created >= this.deps.startedAt),
      );
      for (const part of ours.flatMap((m) => m.parts)) {
        if (part.type !== 'text') continue;
        this.seenParts.add(part.id);
        if (part.time?.end === undefined) this.partialParts.add(part.id);
      }
      this.caughtUp = true;
      this.requestEdit();
    } catch (error) {
      this.deps.log.warn(
        `Catching up on session ${this.deps.sessionId} failed: ${(error as Error).message}`,
      );
    }
  }

  get place(): Place {
    return this.deps.place;
  }

  /** Whether OpenCode has said anything about this turn yet. */
  get started(): boolean {
    return this.sawEvent;
  }

  /** OpenCode took the prompt (204) but never started on it: end the turn saying so. */
  markNeverStarted(): void {
    this.model.error = {
      name: 'UnknownError',
      data: {
        message:
          'OpenCode accepted the message but never started on it (it may have rejected an attachment). Try again, or check OpenCode’s log.',
      },
    };
  }

  apply(event: BridgeEvent): void {
    if (this.finished) return;
    this.sawEvent = true;
    if (isTextEnd(event))
      this.deps.messenger.holdLiveEdits(this.deps.place, HOLD_EDITS_AT_TEXT_END_MS);
    if (this.model.apply(event)) this.requestEdit();
  }

  private requestEdit(): void {
    if (this.editQueued || this.finished || !this.caughtUp) return;
    this.editQueued = true;
    void this.messageId.then((id) => {
      if (id === undefined || this.finished) return;
      return this.deps.messenger
        .edit(
          this.deps.place,
          id,
          this.editKey(id),
          () => {
            // Rendered at send time: everything that arrived while waiting is in this one edit.
            this.editQueued = false;
            if (this.resumed && this.isBlank()) return undefined;
            const html = renderLive(this.model, this.deps.renderOptions());
            if (html === this.shown) return undefined;
            this.shown = html;
            return html;
          },
          { priority: 'stream' },
        )
        .catch((error: unknown) => {
          this.editQueued = false;
          this.deps.log.warn(`Live edit failed: ${(error as Error).message}`);
        });
    });
  }

  /** Nothing of the turn known yet, or a text part known only from the middle on. */
  private isBlank(): boolean {
    return this.partialParts.size > 0 || (!this.model.answer && this.model.toolCalls.length === 0);
  }

  private trackPartial(event: BridgeEvent): void {
    if (event.type === 'text-delta' || event.type === 'reasoning-delta') {
      const { partId } = event;
      // Deltas of a part whose start this run never saw: it began before the restart.
      if (!this.seenParts.has(partId)) this.partialParts.add(partId);
      this.seenParts.add(partId);
    } else if (event.type === 'text' && event.kind === 'text') {
      this.seenParts.add(event.partId);
      // The part's full text, now that it has ended.
      if (event.ended) this.partialParts.delete(event.partId);
    }
  }

  private editKey(messageId: number): string {
    return `live:${this.deps.place.chatId}:${messageId}`;
  }

  /** Stops the typing indicator without delivering anything (the bridge is stopping). */
  dispose(): void {
    this.finished = true;
    clearInterval(this.typingTimer);
  }

  /** Ends the turn: the full answer replaces the live message; a notice follows. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.typingTimer);
    const { messenger, place, log } = this.deps;
    const final = await this.readFinalModel();
    const options = this.deps.renderOptions();
    const { chunks, document } = renderFinalDelivery(final, options);
    const id = await this.messageId;
    const [first, ...rest] = chunks;
    try {
      const rich = (await this.deps.richFinal?.(final, id)) === true;
      if (!rich && first !== undefined) {
        if (id === undefined) await messenger.send(place, first, { priority: 'final' });
        else await messenger.edit(place, id, this.editKey(id), () => first, { priority: 'final' });
      }
      for (const chunk of rich ? [] : rest)
        await messenger.send(place, chunk, { priority: 'final', silent: true });
      // One huge code block reads better as a file than as many messages.
      if (document && !rich) {
        await messenger.sendDocument(
          place,
          Buffer.from(document.content, 'utf8'),
          document.filename,
          {
            priority: 'final',
            silent: true,
          },
        );
      }
      const notice = final.interrupted
        ? `⚠️ Interrupted: OpenCode stopped before the turn finished; above is what it had produced.`
        : renderNotice(final, this.now());
      await messenger.send(place, notice, {
        priority: 'final',
        replyToMessageId: this.deps.replyTo,
      });
    } catch (error) {
      log.error(`Could not deliver the final answer: ${(error as Error).message}`);
    }
  }

  private readFinalModel(): Promise<TurnModel> {
    return readFinalModel(this.deps.client, this.deps.log, this.model);
  }
}

/** A text part of the answer is complete: the step may be the turn's last. */
function isTextEnd(event: BridgeEvent): boolean {
  // (hidden text parts never become events)
  return event.type === 'text' && event.kind === 'text' && event.ended;
}
