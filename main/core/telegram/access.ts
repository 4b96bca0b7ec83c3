// Who and where the bot listens: the security boundary, as a pure decision per Telegram update.
// A private chat works for an allowlisted user; a group, supergroup or channel only when its id
// is allowed too, else the bot leaves it, whoever wrote there. Messages sent on behalf of a chat
// (an anonymous admin, a channel) are nobody on the allowlist.
import type { Chat, Update } from 'grammy/types';

export interface AccessRules {
  allowedUserIds: ReadonlySet<number>;
  allowedChatIds: ReadonlySet<number>;
}

export interface ChatToLeave {
  id: number;
  kind: 'group' | 'channel';
  title: string;
  /** The update says the bot was just added (my_chat_member), not that someone wrote there. */
  added: boolean;
}

export type Access =
  | { kind: 'allow' }
  /** `log`: one line saying why, or undefined when there is nothing worth saying. */
  | { kind: 'ignore'; log: string | undefined }
  | { kind: 'leave'; chat: ChatToLeave };

export function accessRules(settings: {
  allowedUserIds: readonly number[];
  allowedChatIds: readonly number[];
}): AccessRules {
  return {
    allowedUserIds: new Set(settings.allowedUserIds),
    allowedChatIds: new Set(settings.allowedChatIds),
  };
}

export function decideAccess(update: Update, rules: AccessRules): Access {
  const chat = chatOf(update);
  if (!chat) return { kind: 'ignore', log: 'Ignored an update that belongs to no chat.' };
  const group = chat.type !== 'private';

  const membership = update.my_chat_member;
  if (membership) {
    // In a private chat this only means the user blocked or unblocked the bot.
    const status = membership.new_chat_member.status;
    if (!group || status === 'left' || status === 'kicked')
      return { kind: 'ignore', log: undefined };
    if (rules.allowedChatIds.has(chat.id)) return { kind: 'ignore', log: undefined };
    return { kind: 'leave', chat: toLeave(chat, true) };
  }

  if (group && !rules.allowedChatIds.has(chat.id)) {
    return { kind: 'leave', chat: toLeave(chat, false) };
  }
  const senderChat = update.message?.sender_chat ?? update.edited_message?.sender_chat;
  if (senderChat) {
    return {
      kind: 'ignore',
      log: `Ignored a message sent on behalf of chat ${senderChat.id} in chat ${chat.id} (not a user on the allowlist).`,
    };
  }
  // Stop on a draft names only the private chat, whose id is the user's.
  const userId =
    (update.message ?? update.edited_message ?? update.callback_query)?.from?.id ??
    (update.stopped_message_generation?.chat.type === 'private' ? chat.id : undefined);
  if (userId === undefined || !rules.allowedUserIds.has(userId)) {
    return {
      kind: 'ignore',
      log: `Ignored an update from user ${userId ?? 'unknown'} (not on the allowlist).`,
    };
  }
  return { kind: 'allow' };
}

/** The chat an update happens in; a button press belongs to the chat of its message. */
function chatOf(update: Update): Chat | undefined {
  return (
    update.message?.chat ??
    update.edited_message?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.stopped_message_generation?.chat ??
    update.channel_post?.chat ??
    update.edited_channel_post?.chat
  );
}

function toLeave(chat: Chat, added: boolean): ChatToLeave {
  const title = 'title' in chat && typeof chat.title === 'string' ? chat.title : '';
  return { id: chat.id, kind: chat.type === 'channel' ? 'channel' : 'group', title, added };
}
