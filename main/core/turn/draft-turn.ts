// One turn in a private chat, streamed as a draft (Bot API 9.5+): the partial answer animates
// under one draft id with a Stop button, several times a second when the agent is fast, and is
// sent again before its ~30 s life runs out while the agent waits. It ends as a real message (a
// rich one where possible) and the notice. A draft that fails hands the turn to a message edited
// in place (LiveTurn) with everything streamed so far.
import { randomInt } from 'node:crypto';
import type { BridgeEvent } from '../opencode/adapter';
import type { Place } from '../telegram/messenger';
import type { DraftContent } from '../telegram/rich-messenger';
import { draftDueIn } from './draft-pacing';
import { finalNotice, readFinalModel } from './final-model';
import { LiveTurn, type LiveTurnDeps } from './live-turn';
import { renderFinalDelivery, renderLive } from './render-turn';
import { renderRichDraft } from './render-rich';
import type { Streaming } from './streaming';
import type { Turn } from './turn';
import { TurnModel } from './turn-model';

export interface DraftTurnDeps extends LiveTurnDeps {
  streaming: Streaming;
  /** Resuming the draft a previous run of the bridge streamed. */
  draftId?: number | undefined;
}

const CATCH_UP_MESSAGES = 50;

export class DraftTurn implements Turn {
  model: TurnModel;
  readonly draftId: number;
  private fallback: LiveTurn | undefined;
  private lastSentAt: number | undefined;
  private dirty = true;
  private sending = false;
  private ready = false;
  private stopped = false;
  private finished = false;
  private sawEvent = false;
  private timer: NodeJS.Timeout | undefined;
  /**
   * A draft picked up after a restart still shows what the previous run streamed: nothing is
   * drafted before the catch-up from storage, nor while a text part is known only from its middle
   * (OpenCode stores a part's text when it ends), so the draft never shrinks.
   */
  private readonly resumed: boolean;
  private caughtUp: boolean;
  private readonly seenParts = new Set<string>();
  private readonly partialParts = new Set<string>();
  private readonly now: () => number;
  private readonly opened: Promise<void>;

  constructor(private readonly deps: DraftTurnDeps) {
    this.now = deps.now ?? Date.now;
    this.model = new TurnModel(deps.sessionId, deps.startedAt);
    this.model.userMessageId = deps.userMessageId;
    this.draftId = deps.draftId ?? randomInt(1, 2 ** 31 - 1);
    this.resumed = deps.draftId !== undefined;
    this.caughtUp = !this.resumed;
    // The previous turn's answer and notice go first: they would clear this draft.
    this.opened = (deps.after ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.ready = true;
        deps.onMessageId?.(-this.draftId);
        this.schedule();
      });
  }

  get sessionId(): string {
    return this.deps.sessionId;
  }

  get place(): Place {
    return this.deps.place;
  }

  get startedAt(): number {
    return this.deps.startedAt;
  }

  get replyTo(): number | undefined {
    return this.deps.replyTo;
  }

  get replyMessageId(): number | undefined {
    return this.fallback ? this.fallback.replyMessageId : -this.draftId;
  }

  get started(): boolean {
    return this.sawEvent;
  }

  apply(event: BridgeEvent): void {
    if (this.finished) return;
    this.sawEvent = true;
    if (this.resumed) this.trackPartial(event);
    if (this.fallback) this.fallback.apply(event);
    else if (this.model.apply(event)) this.changed();
  }

  /** Re-reads the turn from OpenCode's storage (after a reconnect or a restart). */
  async catchUp(): Promise<void> {
    if (this.finished) return;
    if (this.fallback) return this.fallback.catchUp();
    try {
      const messages = await this.deps.client.messages(this.deps.sessionId, CATCH_UP_MESSAGES);
      const fresh = TurnModel.fromMessages(
        this.deps.sessionId,
        this.deps.startedAt,
        messages,
        this.model.userMessageId,
      );
      fresh.status = this.model.status.type === 'idle' ? { type: 'busy' } : this.model.status;
      if (fresh.answer.length >= this.model.answer.length) this.model = fresh;
      for (const { info, parts } of messages) {
        if (info.role !== 'assistant' || info.time.created < this.deps.startedAt) continue;
        for (const part of parts) {
          if (part.type !== 'text') continue;
          this.seenParts.add(part.id);
          if (part.time?.end === undefined) this.partialParts.add(part.id);
        }
      }
    } catch (error) {
      this.deps.log.warn(
        `Catching up on session ${this.deps.sessionId} failed: ${(error as Error).message}`,
      );
    }
    this.caughtUp = true;
    this.changed();
  }

  private trackPartial(event: BridgeEvent): void {
    if (event.type === 'text-delta') {
      // Deltas of a part whose start this run never saw: it began before the restart.
      if (!this.seenParts.has(event.partId)) this.partialParts.add(event.partId);
      this.seenParts.add(event.partId);
    } else if (event.type === 'text' && event.kind === 'text') {
      this.seenParts.add(event.partId);
      if (event.ended) this.partialParts.delete(event.partId);
    }
  }

  /** A resumed turn of which nothing is known yet, or only a fragment of a text part. */
  private blank(): boolean {
    if (!this.resumed) return false;
    return this.partialParts.size > 0 || (!this.model.answer && this.model.toolCalls.length === 0);
  }

  markNeverStarted(): void {
    if (this.fallback) return this.fallback.markNeverStarted();
    this.model.error = {
      name: 'UnknownError',
      data: {
        message:
          'OpenCode accepted the message but never started on it (it may have rejected an attachment). Try again, or check OpenCode’s log.',
      },
    };
  }

  redraw(): void {
    this.changed();
  }

  /** Stop pressed: the draft stays as it is, and OpenCode is told to stop at once. */
  async stop(): Promise<void> {
    if (this.finished || this.stopped) return;
    this.stopped = true;
    this.model.aborted = true;
    clearTimeout(this.timer);
    await this.deps.client.abort(this.deps.sessionId);
  }

  dispose(): void {
    this.finished = true;
    clearTimeout(this.timer);
    this.fallback?.dispose();
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    if (this.fallback) return this.fallback.finish();
    await this.opened;
    const { messenger, place, log, streaming, replyTo } = this.deps;
    const final = await readFinalModel(this.deps.client, log, this.model);
    const options = this.deps.renderOptions();
    try {
      const rich = await streaming.deliverRichFinal(place, final, options, { replyTo });
      if (!rich) {
        const { chunks, document } = renderFinalDelivery(final, options);
        for (const [i, chunk] of chunks.entries()) {
          await messenger.send(place, chunk, {
            priority: 'final',
            silent: true,
            replyToMessageId: i === 0 ? replyTo : undefined,
          });
        }
        if (document) {
          const bytes = Buffer.from(document.content, 'utf8');
          await messenger.sendDocument(place, bytes, document.filename, {
            priority: 'final',
            silent: true,
          });
        }
      }
      await messenger.send(place, finalNotice(final, this.now()), {
        priority: 'final',
        replyToMessageId: replyTo,
      });
    } catch (error) {
      log.error(`Could not deliver the final answer: ${(error as Error).message}`);
    }
  }

  private changed(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.ready || !this.caughtUp || this.sending || this.finished || this.stopped) return;
    if (this.fallback) return;
    clearTimeout(this.timer);
    const wait = draftDueIn({ lastSentAt: this.lastSentAt, dirty: this.dirty }, this.now());
    this.timer = setTimeout(() => void this.send(), wait);
    this.timer.unref?.();
  }

  private async send(): Promise<void> {
    const { streaming, place } = this.deps;
    this.sending = true;
    const slot = streaming.takeDraftSlot(place.chatId, this.now());
    if (slot > 0) await new Promise((resolve) => setTimeout(resolve, slot).unref?.());
    let rich = false;
    try {
      if (this.finished || this.stopped) return;
      this.lastSentAt = this.now();
      await streaming.rich.draft(
        place,
        this.draftId,
        () => {
          // Rendered at send time: whatever arrived while waiting is in this one draft.
          this.dirty = false;
          if (this.blank()) return undefined;
          rich = streaming.caps.rich(place.chatId);
          return this.render(rich);
        },
        { canStop: true },
      );
    } catch (error) {
      // A bridge that is stopping (the outbox refuses calls) starts nothing new.
      if (!this.finished) this.draftFailed(error, rich);
    } finally {
      this.sending = false;
    }
    this.schedule();
  }

  private render(rich: boolean): DraftContent {
    const options = this.deps.renderOptions();
    return rich
      ? { kind: 'rich', blocks: renderRichDraft(this.model, options) }
      : { kind: 'html', html: renderLive(this.model, options) };
  }

  private draftFailed(error: unknown, rich: boolean): void {
    const { streaming, place, log } = this.deps;
    // A server without rich drafts may still have plain ones: the next draft is HTML.
    if (rich && streaming.caps.failed(place.chatId, 'rich', error)) {
      this.dirty = true;
      return;
    }
    streaming.caps.failed(place.chatId, 'draft', error);
    log.warn(`A draft failed (${(error as Error).message}); this turn goes on in a message.`);
    this.fallback = new LiveTurn({
      ...this.deps,
      model: this.model,
      after: undefined,
      existingMessageId: undefined,
      richFinal: (final, messageId) =>
        streaming.deliverRichFinal(place, final, this.deps.renderOptions(), { messageId }),
    });
  }
}
