// leaveChat: the bot leaves a group, supergroup or channel. Telegram then sends the bot a
// my_chat_member update (member → left) and refuses later calls about that chat with 403.
import { findChat, type MethodHandler } from '../context';
import { badRequest, chatNotFound, notMember } from '../errors';
import { botAsUser, changeBotMembership } from '../membership';

export const leaveChat: MethodHandler = (ctx, params) => {
  const chat = findChat(ctx, params.chatId());
  if (!chat) throw chatNotFound();
  if (chat.chat.type === 'private') {
    throw badRequest("chat member status can't be changed in private chats");
  }
  if (!chat.botIsMember) throw notMember(chat.chat.type);
  changeBotMembership(ctx.store, ctx.queue, {
    chat,
    by: botAsUser(ctx.store),
    now: ctx.now(),
    change: () => {
      chat.botIsMember = false;
      chat.botIsAdmin = false;
    },
  });
  return true;
};
