// State for the Bot API 9.3–10.3 features (drafts, old-server mode), kept beside the Store rather
// than in it so these features stay in their own files. One RichState per fake server.
import type { MessageEntity, RichBlock } from 'grammy/types';
import type { Store } from './store';

/** A draft lives this long after its last shown update ("a temporary 30-second preview"). */
export const DRAFT_TTL_MS = 30_000;

export interface DraftUpdate {
  at: number;
  method: 'sendMessageDraft' | 'sendRichMessageDraft';
  /** The text shown: parsed text, or the plain rendering of the rich content; '' = "Thinking…". */
  text: string;
  entities: MessageEntity[];
  /** The raw text when sent with parse_mode HTML. */
  html: string | undefined;
  /** The rich content (sendRichMessageDraft only). */
  rich: RichBlock[] | undefined;
  canStop: boolean;
  keepOnStop: boolean;
  /** False for updates sent after the user pressed Stop: accepted, but not shown. */
  shown: boolean;
}

export type DraftEnd = 'expired' | 'cleared' | 'replaced' | 'stopped';

export interface DraftRecord {
  chatId: number;
  threadId: number | undefined;
  draftId: number;
  /** Every update, oldest first. */
  history: DraftUpdate[];
  /** When the user pressed Stop, if they did. */
  stoppedAt: number | undefined;
  /** Set when the draft disappeared for a reason other than expiry. */
  ended: { reason: Exclude<DraftEnd, 'expired'>; at: number } | undefined;
}

export interface RichOptions {
  /**
   * Behave like a telegram-bot-api server older than Bot API 9.3: sendMessageDraft,
   * sendRichMessageDraft and sendRichMessage answer 404 "Not Found: method not found",
   * editMessageText ignores rich_message (so it fails like a text-less edit), getMe has no
   * topic flags and createForumTopic refuses private chats. Default false.
   */
  legacyServer?: boolean;
  /**
   * Draft updates per chat in any rolling second before 429 (Telegram publishes no limit).
   * Default 5, or off when `rateLimits: false`; false turns it off.
   */
  draftRateLimit?: { perSecond: number } | false;
}

export class RichState {
  legacy = false;
  draftsPerSecond: number | undefined = 5;
  readonly drafts: DraftRecord[] = [];
  private readonly draftCalls = new Map<number, number[]>();

  /** undefined when the draft call may pass, else retry_after in seconds. */
  takeDraftCall(chatId: number, now: number): number | undefined {
    const limit = this.draftsPerSecond;
    if (limit === undefined) return undefined;
    const recent = (this.draftCalls.get(chatId) ?? []).filter((t) => t > now - 1000);
    if (recent.length >= limit) {
      this.draftCalls.set(chatId, recent);
      return Math.max(1, Math.ceil((recent[recent.length - limit]! + 1000 - now) / 1000));
    }
    this.draftCalls.set(chatId, [...recent, now]);
    return undefined;
  }

  /** The draft currently shown in a chat/thread, if any (expired ones are not). */
  activeDraft(chatId: number, threadId: number | undefined, now: number): DraftRecord | undefined {
    return this.drafts.find(
      (d) => d.chatId === chatId && d.threadId === threadId && draftState(d, now) === 'active',
    );
  }

  /** The draft the user stopped under this id, for 30 s after Stop unless cleared/replaced. */
  stoppedDraft(
    key: { chatId: number; threadId: number | undefined; draftId: number },
    now: number,
  ): DraftRecord | undefined {
    const last = this.drafts.findLast(
      (d) => d.chatId === key.chatId && d.threadId === key.threadId && d.draftId === key.draftId,
    );
    if (last?.stoppedAt === undefined || now >= last.stoppedAt + DRAFT_TTL_MS) return undefined;
    const state = draftState(last, now);
    return state === 'active' || state === 'stopped' ? last : undefined;
  }

  /** A bot message in the chat/thread clears its draft. */
  clearDrafts(chatId: number, threadId: number | undefined, now: number): void {
    const draft = this.activeDraft(chatId, threadId, now);
    if (draft) draft.ended = { reason: 'cleared', at: now };
  }
}

export function lastShown(draft: DraftRecord): DraftUpdate {
  return [...draft.history].reverse().find((u) => u.shown) ?? draft.history[0]!;
}

export function draftState(draft: DraftRecord, now: number): 'active' | DraftEnd {
  if (draft.ended) return draft.ended.reason;
  return now < lastShown(draft).at + DRAFT_TTL_MS ? 'active' : 'expired';
}

const states = new WeakMap<Store, RichState>();

export function richState(store: Store): RichState {
  let state = states.get(store);
  if (!state) {
    state = new RichState();
    states.set(store, state);
  }
  return state;
}
