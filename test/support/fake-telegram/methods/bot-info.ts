// getMe, getChat, getChatMember.
import { resolveChat, type MethodHandler } from '../context';
import { badRequest } from '../errors';
import type { ChatState } from '../store';

export const getMe: MethodHandler = (ctx) => ctx.store.botUser;

export const getChat: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  // ChatFullInfo: the Chat plus a few always-present fields.
  return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11 };
};

function botMember(ctx: Parameters<MethodHandler>[0], chat: ChatState): Record<string, unknown> {
  const user = ctx.store.botUser;
  if (chat.chat.type === 'private' || !chat.botIsAdmin) return { status: 'member', user };
  return {
    status: 'administrator',
    user,
    can_be_edited: false,
    is_anonymous: false,
    can_manage_chat: true,
    can_delete_messages: true,
    can_manage_video_chats: true,
    can_restrict_members: true,
    can_promote_members: false,
    can_change_info: true,
    can_invite_users: true,
    can_post_stories: false,
    can_edit_stories: false,
    can_delete_stories: false,
    can_pin_messages: true,
    can_manage_topics: chat.canManageTopics,
  };
}

export const getChatMember: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  const userId = params.int('user_id', 'user_id is empty');
  if (userId === ctx.store.botUser.id) return botMember(ctx, chat);
  const user = ctx.store.users.get(userId);
  const inChat = chat.chat.type === 'private' ? chat.chat.id === userId : user !== undefined;
  if (!user || !inChat) throw badRequest('PARTICIPANT_ID_INVALID');
  return { status: 'member', user: { is_bot: false, ...user } };
};
