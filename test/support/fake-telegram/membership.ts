// The bot's own membership in groups and channels, and the my_chat_member updates Telegram sends
// when it changes (the bot added by a user, or leaving with leaveChat). my_chat_member is in the
// default allowed_updates, so a bot that never set allowed_updates gets it too.
import type { ChatMember, User } from 'grammy/types';
import type { ChatState, Store } from './store';
import type { UpdateQueue } from './update-queue';

/** The bot as it appears in a ChatMember: a plain User, without getMe's extra fields. */
export function botAsUser(store: Store): User {
  const { id, first_name, username } = store.botUser;
  return { id, is_bot: true, first_name, ...(username !== undefined ? { username } : {}) };
}

/** The bot's ChatMember in a chat, as getChatMember and my_chat_member show it. */
export function botChatMember(store: Store, chat: ChatState): ChatMember {
  const user = botAsUser(store);
  if (chat.chat.type !== 'private' && !chat.botIsMember) return { status: 'left', user };
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
    can_send_welcome_messages: false,
  };
}

/**
 * Applies a change of the bot's membership and queues the my_chat_member update describing it
 * (old and new ChatMember). Returns the update, or undefined when allowed_updates filtered it out.
 */
export function changeBotMembership(
  store: Store,
  queue: UpdateQueue,
  input: { chat: ChatState; by: User; now: number; change: () => void },
): ReturnType<UpdateQueue['push']> {
  const old = botChatMember(store, input.chat);
  input.change();
  const update = queue.push({
    my_chat_member: {
      chat: input.chat.chat,
      from: input.by,
      date: Math.floor(input.now / 1000),
      old_chat_member: old,
      new_chat_member: botChatMember(store, input.chat),
    },
  });
  store.changed();
  return update;
}
