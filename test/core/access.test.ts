import { describe, expect, it } from 'vitest';
import type { Chat, ChatMember, Update, User } from 'grammy/types';
import { accessRules, decideAccess } from '../../main/core/telegram/access';

const OWNER: User = { id: 4242, is_bot: false, first_name: 'Ada' };
const STRANGER: User = { id: 6666, is_bot: false, first_name: 'Mallory' };
const BOT: User = { id: 123, is_bot: true, first_name: 'Bridge' };
const ANONYMOUS_ADMIN: User = { id: 1087968824, is_bot: true, first_name: 'Group' };
const ALLOWED: Chat = { id: -1001, type: 'supergroup', title: 'Work' };
const OTHER: Chat = { id: -1002, type: 'supergroup', title: 'Someone else’s' };
const BASIC: Chat = { id: -55, type: 'group', title: 'Old' };
const CHANNEL: Chat = { id: -1003, type: 'channel', title: 'News' };
const privateOf = (user: User): Chat => ({ id: user.id, type: 'private', first_name: 'x' });

const rules = accessRules({ allowedUserIds: [OWNER.id], allowedChatIds: [ALLOWED.id] });

const message = (chat: Chat, from: User, extra: Record<string, unknown> = {}): Update =>
  ({
    update_id: 1,
    message: { message_id: 1, date: 0, chat, from, text: 'hi', ...extra },
  }) as Update;
const press = (chat: Chat, from: User): Update => ({
  update_id: 1,
  callback_query: {
    id: 'q',
    from,
    chat_instance: '1',
    data: 'x',
    message: { message_id: 2, date: 0, chat, from: BOT, text: 'pick' },
  },
});
const member = (status: ChatMember['status']): ChatMember => ({ status, user: BOT }) as ChatMember;
const botStatus = (
  chat: Chat,
  from: User,
  from_: ChatMember['status'],
  to: ChatMember['status'],
): Update => ({
  update_id: 1,
  my_chat_member: {
    chat,
    from,
    date: 0,
    old_chat_member: member(from_),
    new_chat_member: member(to),
  },
});

describe('decideAccess', () => {
  it('allows the owner in their private chat and in an allowed group, texts and taps alike', () => {
    for (const update of [
      message(privateOf(OWNER), OWNER),
      message(ALLOWED, OWNER),
      press(privateOf(OWNER), OWNER),
      press(ALLOWED, OWNER),
    ]) {
      expect(decideAccess(update, rules)).toEqual({ kind: 'allow' });
    }
  });

  it('ignores strangers everywhere it listens, naming the user', () => {
    for (const update of [
      message(privateOf(STRANGER), STRANGER),
      message(ALLOWED, STRANGER),
      press(ALLOWED, STRANGER),
    ]) {
      expect(decideAccess(update, rules)).toEqual({
        kind: 'ignore',
        log: 'Ignored an update from user 6666 (not on the allowlist).',
      });
    }
  });

  it('leaves any group, supergroup or channel that is not allowed, whoever wrote or tapped there', () => {
    expect(decideAccess(message(OTHER, OWNER), rules)).toEqual({
      kind: 'leave',
      chat: { id: OTHER.id, kind: 'group', title: 'Someone else’s', added: false },
    });
    expect(decideAccess(message(OTHER, STRANGER), rules)).toMatchObject({ kind: 'leave' });
    expect(decideAccess(press(OTHER, OWNER), rules)).toMatchObject({ kind: 'leave' });
    expect(decideAccess(message(BASIC, OWNER), rules)).toMatchObject({
      kind: 'leave',
      chat: { id: BASIC.id, kind: 'group' },
    });
  });

  it('leaves when added to a chat that is not allowed, stays quietly when it is', () => {
    expect(decideAccess(botStatus(OTHER, OWNER, 'left', 'member'), rules)).toEqual({
      kind: 'leave',
      chat: { id: OTHER.id, kind: 'group', title: 'Someone else’s', added: true },
    });
    expect(decideAccess(botStatus(CHANNEL, STRANGER, 'left', 'administrator'), rules)).toEqual({
      kind: 'leave',
      chat: { id: CHANNEL.id, kind: 'channel', title: 'News', added: true },
    });
    expect(decideAccess(botStatus(ALLOWED, OWNER, 'left', 'administrator'), rules)).toEqual({
      kind: 'ignore',
      log: undefined,
    });
  });

  it('does nothing when it is out already, or when a user blocks it in a private chat', () => {
    expect(decideAccess(botStatus(OTHER, BOT, 'member', 'left'), rules)).toEqual({
      kind: 'ignore',
      log: undefined,
    });
    expect(decideAccess(botStatus(OTHER, STRANGER, 'member', 'kicked'), rules)).toMatchObject({
      kind: 'ignore',
    });
    expect(
      decideAccess(botStatus(privateOf(STRANGER), STRANGER, 'member', 'kicked'), rules),
    ).toMatchObject({ kind: 'ignore' });
  });

  it('a message on behalf of a chat (anonymous admin, channel) is nobody on the allowlist', () => {
    // Even if the placeholder's id were allowlisted by mistake, sender_chat decides.
    const lax = accessRules({
      allowedUserIds: [OWNER.id, ANONYMOUS_ADMIN.id],
      allowedChatIds: [ALLOWED.id],
    });
    expect(decideAccess(message(ALLOWED, ANONYMOUS_ADMIN, { sender_chat: ALLOWED }), lax)).toEqual({
      kind: 'ignore',
      log: 'Ignored a message sent on behalf of chat -1001 in chat -1001 (not a user on the allowlist).',
    });
    expect(decideAccess(message(ALLOWED, OWNER, { sender_chat: CHANNEL }), rules)).toMatchObject({
      kind: 'ignore',
    });
  });

  it('ignores a tap on an inline-mode message, which belongs to no chat', () => {
    const inline = {
      update_id: 1,
      callback_query: { id: 'q', from: OWNER, chat_instance: '1', inline_message_id: 'i' },
    } as Update;
    expect(decideAccess(inline, rules)).toMatchObject({ kind: 'ignore' });
  });
});
