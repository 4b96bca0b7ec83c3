// sendMessageDraft / sendRichMessageDraft (Bot API 9.3–10.3): an ephemeral preview per
// (chat, thread, draft_id) in private chats. Another draft_id in the same chat/thread replaces
// the shown draft; a bot message there clears it; it expires 30 s after its last update.
// Drafts are not messages, so they do not count toward the message flood limits; they have
// their own limit instead (RichState.takeDraftCall; Telegram publishes none).
import type { MessageEntity } from 'grammy/types';
import { resolveChat, resolveThread, type MethodContext, type MethodHandler } from '../context';
import { ApiError, tooManyRequests } from '../errors';
import { formatMessageText } from '../formatted-text';
import type { Params } from '../params';
import { richState, type DraftUpdate } from '../rich-state';
import { parseRichMessage } from './rich';

export const DRAFT_ERRORS = {
  /** Telegram's wording for methods limited to one chat type ("...only for supergroups"). */
  privateOnly: 'Bad Request: method is available only for private chats',
  draftId: 'Bad Request: draft_id must be non-zero',
} as const;

function draftTarget(ctx: MethodContext, params: Params) {
  const chat = resolveChat(ctx, params);
  if (chat.chat.type !== 'private') throw new ApiError(400, DRAFT_ERRORS.privateOnly);
  const draftId = params.optInt('draft_id') ?? 0;
  if (draftId === 0) throw new ApiError(400, DRAFT_ERRORS.draftId);
  const threadId = resolveThread(ctx, chat, params);
  return { chatId: chat.chat.id, threadId, draftId };
}

function draftText(params: Params): { text: string; entities: MessageEntity[] } {
  try {
    return formatMessageText({
      text: params.optString('text') ?? '',
      parseMode: params.optString('parse_mode'),
      entities: params.optJson<MessageEntity[]>('entities', 'message entities JSON object'),
    });
  } catch (error) {
    // An empty draft is allowed: it shows "Thinking…".
    if (error instanceof ApiError && error.description === 'Bad Request: message text is empty') {
      return { text: '', entities: [] };
    }
    throw error;
  }
}

function record(
  ctx: MethodContext,
  params: Params,
  target: { chatId: number; threadId: number | undefined; draftId: number },
  content: Pick<DraftUpdate, 'method' | 'text' | 'entities' | 'html' | 'rich'>,
): true {
  const state = richState(ctx.store);
  const now = ctx.now();
  const retryAfter = state.takeDraftCall(target.chatId, now);
  if (retryAfter !== undefined) throw tooManyRequests(retryAfter);
  const shownNow = state.activeDraft(target.chatId, target.threadId, now);
  let draft = shownNow?.draftId === target.draftId ? shownNow : state.stoppedDraft(target, now);
  if (!draft) {
    if (shownNow) shownNow.ended = { reason: 'replaced', at: now };
    draft = { ...target, history: [], stoppedAt: undefined, ended: undefined };
    state.drafts.push(draft);
  }
  draft.history.push({
    ...content,
    at: now,
    canStop: params.bool('can_stop'),
    keepOnStop: params.bool('keep_on_stop'),
    // "a button to stop further drafts": after Stop, updates are accepted but not shown.
    shown: draft.stoppedAt === undefined,
  });
  ctx.store.changed();
  return true;
}

export const sendMessageDraft: MethodHandler = (ctx, params) => {
  const target = draftTarget(ctx, params);
  const { text, entities } = draftText(params);
  const html =
    params.optString('parse_mode')?.toLowerCase() === 'html' ? params.optString('text') : undefined;
  return record(ctx, params, target, {
    method: 'sendMessageDraft',
    text,
    entities,
    html,
    rich: undefined,
  });
};

export const sendRichMessageDraft: MethodHandler = (ctx, params) => {
  const target = draftTarget(ctx, params);
  const rich = parseRichMessage(params, { draft: true });
  return record(ctx, params, target, {
    method: 'sendRichMessageDraft',
    text: rich.plainText,
    entities: [],
    html: undefined,
    rich: rich.blocks,
  });
};

/** Wraps a message-sending method: its message clears the draft of its chat/thread. */
export function clearsDrafts(handler: MethodHandler): MethodHandler {
  return async (ctx, params) => {
    const result = await handler(ctx, params);
    const message = result as { chat?: { id: number }; message_thread_id?: number } | undefined;
    if (message?.chat) {
      richState(ctx.store).clearDrafts(message.chat.id, message.message_thread_id, ctx.now());
      ctx.store.changed();
    }
    return result;
  };
}
