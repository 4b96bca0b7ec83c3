import { describe, expect, it } from 'vitest';
import { CHANNEL_BOT, GROUP_ANONYMOUS_BOT } from '../support/fake-telegram/index';
import { alice, apiError, setup } from './helpers';

const bob = { id: 5002, first_name: 'Bob' };

describe('leaveChat', () => {
  it('the bot leaves: a my_chat_member update says so, and later calls there get 403', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Team' });
    expect(await bot.api.leaveChat(group.id)).toBe(true);
    expect(fake.botIsMember(group.id)).toBe(false);

    const [update] = await bot.api.getUpdates({ timeout: 0 });
    expect(update?.my_chat_member).toMatchObject({
      chat: { id: group.id, type: 'supergroup' },
      from: { id: fake.botUser.id, is_bot: true },
      old_chat_member: { status: 'administrator', user: { id: fake.botUser.id } },
      new_chat_member: { status: 'left', user: { id: fake.botUser.id } },
    });
    expect((await apiError(bot.api.sendMessage(group.id, 'still here?'))).description).toBe(
      'Forbidden: bot is not a member of the supergroup chat',
    );
    expect((await apiError(bot.api.leaveChat(group.id))).error_code).toBe(403);
  });

  it('names the kind of chat, and refuses private chats and unknown chats', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const basic = fake.addGroupOrChannel({ type: 'group', title: 'Old group' });
    fake.addBotToGroup(basic.id, alice);
    await bot.api.leaveChat(basic.id);
    expect((await apiError(bot.api.sendMessage(basic.id, 'x'))).description).toBe(
      'Forbidden: bot is not a member of the group chat',
    );
    expect((await apiError(bot.api.leaveChat(alice.id))).description).toBe(
      "Bad Request: chat member status can't be changed in private chats",
    );
    expect((await apiError(bot.api.leaveChat(-1009999))).description).toBe(
      'Bad Request: chat not found',
    );
  });

  it('a group the bot left delivers nothing more: no messages, no button presses', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Team', isForum: false });
    const sent = await bot.api.sendMessage(group.id, 'pick', {
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    await bot.api.leaveChat(group.id);
    const before = fake.updates().length;
    expect(fake.userSendsText({ from: alice, chatId: group.id, text: 'hello?' }).update).toBe(
      undefined,
    );
    fake.userPressesButton({
      from: alice,
      chatId: group.id,
      messageId: sent.message_id,
      data: 'a',
    });
    expect(fake.updates().length).toBe(before);
  });
});

describe('the bot added to a group or channel (my_chat_member)', () => {
  it('is delivered by default (allowed_updates never set): left → member, then the service message', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Strangers', botIsMember: false });
    expect(fake.userSendsText({ from: bob, chatId: group.id, text: 'before' }).update).toBe(
      undefined,
    );
    fake.addBotToGroup(group.id, bob);
    const updates = await bot.api.getUpdates({ timeout: 0 });
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(['my_chat_member', 'message']);
    expect(updates[0]!.my_chat_member).toMatchObject({
      chat: { id: group.id },
      from: { id: bob.id, is_bot: false },
      old_chat_member: { status: 'left' },
      new_chat_member: { status: 'member', user: { id: fake.botUser.id } },
    });
    expect(updates[1]!.message).toMatchObject({
      from: { id: bob.id },
      new_chat_members: [{ id: fake.botUser.id, is_bot: true }],
    });
    expect(fake.botIsMember(group.id)).toBe(true);
    expect(() => fake.addBotToGroup(group.id, bob)).toThrow(/already/);
  });

  it('is filtered out when allowed_updates does not list it, delivered when it does', async () => {
    const { fake, bot } = await setup();
    const first = fake.addForumGroup({ title: 'One', botIsMember: false });
    const second = fake.addForumGroup({ title: 'Two', botIsMember: false });
    await bot.api.getUpdates({ timeout: 0, allowed_updates: ['message'] });
    fake.addBotToGroup(first.id, bob);
    await bot.api.getUpdates({ timeout: 0, allowed_updates: ['my_chat_member'] });
    fake.addBotToGroup(second.id, bob, { asAdmin: true });
    const updates = await bot.api.getUpdates({ timeout: 0 });
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(['message', 'my_chat_member']);
    expect(updates[1]!.my_chat_member).toMatchObject({
      chat: { id: second.id },
      new_chat_member: { status: 'administrator' },
    });
  });

  it('takes the bot into a channel only as an administrator, without a service message', async () => {
    const { fake, bot } = await setup();
    const channel = fake.addGroupOrChannel({ type: 'channel', title: 'News' });
    const updates = fake.addBotToGroup(channel.id, bob);
    expect(updates.map((u) => u.my_chat_member?.new_chat_member.status)).toEqual(['administrator']);
    await bot.api.leaveChat(channel.id);
    expect((await apiError(bot.api.sendMessage(channel.id, 'x'))).description).toBe(
      'Forbidden: bot is not a member of the channel chat',
    );
  });
});

describe('messages on behalf of a chat (sender_chat)', () => {
  it('an anonymous admin posts as the group, a channel as itself; from is the placeholder bot', async () => {
    const { fake } = await setup();
    const group = fake.addForumGroup({ title: 'Team', isForum: false });
    const channel = fake.addGroupOrChannel({ type: 'channel', title: 'News' });
    const anonymous = fake.userSendsText({
      from: alice,
      chatId: group.id,
      senderChat: group,
      text: 'hi',
    });
    expect(anonymous.message.from).toEqual(GROUP_ANONYMOUS_BOT);
    expect(anonymous.message.sender_chat).toEqual(group);
    const posted = fake.userSendsText({
      from: alice,
      chatId: group.id,
      senderChat: channel,
      text: 'news',
    });
    expect(posted.message.from).toEqual(CHANNEL_BOT);
    expect(posted.message.sender_chat).toEqual(channel);
    fake.addPrivateChat(alice);
    expect(() =>
      fake.userSendsText({ from: alice, chatId: alice.id, senderChat: group, text: 'hi' }),
    ).toThrow(/only in groups/);
  });
});

describe('scoped command menus', () => {
  it('keeps a list per chat scope, refuses unknown chats and resolves the menu each user sees', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const group = fake.addForumGroup({ title: 'Team', username: 'team_chat' });
    const menu = [{ command: 'new', description: 'New session' }];
    await bot.api.setMyCommands(menu, { scope: { type: 'chat', chat_id: alice.id } });
    await bot.api.setMyCommands(menu, { scope: { type: 'chat', chat_id: '@team_chat' } });

    expect(fake.commandsFor({ type: 'chat', chat_id: alice.id })).toEqual(menu);
    // "@name" and the numeric id are one scope.
    expect(await bot.api.getMyCommands({ scope: { type: 'chat', chat_id: group.id } })).toEqual(
      menu,
    );
    expect(fake.commandsFor()).toEqual([]);
    expect(fake.menuFor({ chatId: alice.id })).toEqual(menu);
    expect(fake.menuFor({ chatId: group.id, userId: bob.id })).toEqual(menu);

    // A user who never started the bot has no private chat with it yet.
    const unknown = await apiError(
      bot.api.setMyCommands(menu, { scope: { type: 'chat', chat_id: bob.id } }),
    );
    expect(unknown.description).toBe('Bad Request: chat not found');

    // The default scope is what everyone else sees; deleting it leaves the chat scopes alone.
    const other = fake.addForumGroup({ title: 'Other' });
    await bot.api.setMyCommands([{ command: 'help', description: 'Help' }]);
    expect(fake.menuFor({ chatId: other.id, userId: bob.id })).toEqual([
      { command: 'help', description: 'Help' },
    ]);
    await bot.api.deleteMyCommands({ scope: { type: 'default' } });
    expect(fake.menuFor({ chatId: other.id, userId: bob.id })).toEqual([]);
    expect(fake.menuFor({ chatId: alice.id })).toEqual(menu);
  });
});
