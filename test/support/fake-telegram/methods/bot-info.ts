// getMe, getChat, getChatMember.
import { resolveChat, type MethodHandler } from '../context';
import { badRequest } from '../errors';
import { botChatMember } from '../membership';

export const getMe: MethodHandler = (ctx) => ctx.store.botUser;

export const getChat: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  // ChatFullInfo: the Chat plus a few always-present fields.
  return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11 };
};

export const getChatMember: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  const userId = params.int('user_id', 'user_id is empty');
  if (userId === ctx.store.botUser.id) return botChatMember(ctx.store, chat);
  const user = ctx.store.users.get(userId);
  const inChat = chat.chat.type === 'private' ? chat.chat.id === userId : user !== undefined;
  if (!user || !inChat) throw badRequest('PARTICIPANT_ID_INVALID');
  return { status: 'member', user: { is_bot: false, ...user } };
};
