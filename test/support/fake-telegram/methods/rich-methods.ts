// Registers the Bot API 9.3–10.3 methods (drafts, rich messages, private-chat topics) on top of
// the base method table, and the old-server switch (RichState.legacy) that hides them again.
import type { MethodHandler } from '../context';
import { ApiError } from '../errors';
import { richState } from '../rich-state';
import { clearsDrafts, sendMessageDraft, sendRichMessageDraft } from './drafts';
import {
  botInfo,
  privateCreateForumTopic,
  privateDeleteForumTopic,
  privateEditForumTopic,
} from './private-topics';
import { richEditMessageText, sendRichMessage } from './rich';

/** What telegram-bot-api answers for a method it does not know. */
export const METHOD_NOT_FOUND = 'Not Found: method not found';

/** Methods a pre-9.3 server lacks. */
export const NEW_METHODS = ['sendMessageDraft', 'sendRichMessageDraft', 'sendRichMessage'] as const;

/** Message-sending methods: the message clears the draft of its chat/thread. */
const SENDING = ['sendMessage', 'sendRichMessage', 'sendDocument', 'sendPhoto'];

function unlessLegacy(modern: MethodHandler, legacy?: MethodHandler): MethodHandler {
  return (ctx, params) => {
    if (!richState(ctx.store).legacy) return modern(ctx, params);
    if (legacy) return legacy(ctx, params);
    throw new ApiError(404, METHOD_NOT_FOUND);
  };
}

const legacyGetMe: MethodHandler = (ctx) => {
  const { has_topics_enabled: _a, allows_users_to_create_topics: _b, ...old } = botInfo(ctx.store);
  return old;
};

export function withRichMethods(
  base: Record<string, MethodHandler>,
): Record<string, MethodHandler> {
  const handlers: Record<string, MethodHandler> = {
    ...base,
    sendMessageDraft: unlessLegacy(sendMessageDraft),
    sendRichMessageDraft: unlessLegacy(sendRichMessageDraft),
    sendRichMessage: unlessLegacy(sendRichMessage),
  };
  const wrap = (name: string, modern: (h: MethodHandler) => MethodHandler): void => {
    const original = handlers[name];
    if (original) handlers[name] = unlessLegacy(modern(original), original);
  };
  // An old server ignores rich_message, so the edit fails as a text-less edit.
  wrap('editMessageText', richEditMessageText);
  wrap('createForumTopic', privateCreateForumTopic);
  wrap('editForumTopic', privateEditForumTopic);
  wrap('deleteForumTopic', privateDeleteForumTopic);
  wrap('editMessageReplyMarkup', keepsRich);
  const getMe = handlers['getMe'];
  if (getMe) handlers['getMe'] = unlessLegacy(getMe, legacyGetMe);
  for (const name of SENDING) {
    const original = handlers[name];
    if (original) handlers[name] = clearsDrafts(original);
  }
  return handlers;
}

/** An edit that changes only the keyboard keeps the rich content of the message. */
function keepsRich(handler: MethodHandler): MethodHandler {
  return async (ctx, params) => {
    const result = await handler(ctx, params);
    const message = result as { chat?: { id: number }; message_id?: number };
    const stored = message.chat && ctx.store.message(message.chat.id, message.message_id ?? 0);
    const previous = stored?.history.at(-2);
    if (stored && previous?.rich && !stored.history.at(-1)!.rich)
      stored.history.at(-1)!.rich = previous.rich;
    return result;
  };
}
