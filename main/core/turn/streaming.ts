// Which way a turn reaches the phone, and the rich final answer. A private chat streams a draft
// (rich when it can) and ends with one rich message; a group edits a message in place and ends
// with a rich edit; whatever the server lacks or refuses falls back to the HTML path.
import type { Logger } from '../log';
import { Capabilities, type ForcedPath } from '../telegram/capabilities';
import type { Messenger, Place } from '../telegram/messenger';
import { RichMessenger } from '../telegram/rich-messenger';
import { DraftTurn } from './draft-turn';
import { takeDraftSlot } from './draft-pacing';
import { LiveTurn, type LiveTurnDeps } from './live-turn';
import type { RenderOptions } from './render-turn';
import { renderRichFinal } from './render-rich';
import type { Turn } from './turn';
import type { TurnModel } from './turn-model';

export class Streaming {
  readonly caps: Capabilities;
  readonly rich: RichMessenger;
  private draftSlots = new Map<number, number>();

  constructor(
    readonly messenger: Messenger,
    forced: ForcedPath,
    log: Logger,
  ) {
    this.caps = new Capabilities(forced, (line) => log.warn(line));
    this.rich = new RichMessenger(messenger);
  }

  /** A bot message (a permission prompt, "queued") clears the draft of its place: show it again. */
  redrawAfterMessages(turns: () => Iterable<Turn>): void {
    this.messenger.onMessageSent((place) => {
      for (const turn of turns()) if (samePlace(turn.place, place)) turn.redraw?.();
    });
  }

  /** How long to wait before this chat's next draft (one per chat every DRAFT_GAP_MS). */
  takeDraftSlot(chatId: number, now: number): number {
    const { at, nextFree } = takeDraftSlot(this.draftSlots, chatId, now);
    this.draftSlots = nextFree;
    return at - now;
  }

  /**
   * The final answer as rich messages: the first replaces `messageId` (the live message) or
   * replies to `replyTo`. False when the chat cannot take rich messages (nothing was sent).
   */
  async deliverRichFinal(
    place: Place,
    final: TurnModel,
    options: RenderOptions,
    target: { messageId?: number | undefined; replyTo?: number | undefined },
  ): Promise<boolean> {
    if (!this.caps.rich(place.chatId)) return false;
    const [first, ...rest] = renderRichFinal(final, options);
    if (!first) return false;
    try {
      if (target.messageId !== undefined) {
        const key = `live:${place.chatId}:${target.messageId}`;
        await this.rich.edit(place, target.messageId, key, first, 'final');
      } else {
        await this.rich.send(place, first, {
          priority: 'final',
          replyToMessageId: target.replyTo,
          silent: true,
        });
      }
    } catch (error) {
      if (this.caps.failed(place.chatId, 'rich', error)) return false;
      throw error;
    }
    for (const blocks of rest)
      await this.rich.send(place, blocks, { priority: 'final', silent: true });
    return true;
  }
}

/**
 * A draft turn where drafts work, else a message edited in place. A persisted record with a
 * negative message id was a draft (minus its id): it continues as that draft.
 */
export function createTurn(deps: LiveTurnDeps, streaming: Streaming | undefined): Turn {
  if (!streaming) return new LiveTurn(deps);
  const existing = deps.existingMessageId;
  const wasDraft = existing !== undefined && existing < 0;
  if (streaming.caps.drafts(deps.place.chatId) && (existing === undefined || wasDraft)) {
    return new DraftTurn({ ...deps, streaming, draftId: wasDraft ? -existing : undefined });
  }
  return new LiveTurn({
    ...deps,
    existingMessageId: wasDraft ? undefined : existing,
    richFinal: (final, messageId) =>
      streaming.deliverRichFinal(deps.place, final, deps.renderOptions(), { messageId }),
  });
}

export function samePlace(a: Place, b: Place): boolean {
  return a.chatId === b.chatId && a.threadId === b.threadId;
}
