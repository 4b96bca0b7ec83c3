import { describe, expect, it } from 'vitest';
import { METHOD_NOT_FOUND, PRIVATE_TOPIC_ERRORS } from '../support/fake-telegram/index';
import { alice, apiError, setup } from './helpers';

describe('topics in private chats', () => {
  it('getMe tells the topic mode; createForumTopic needs it', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    expect(await bot.api.getMe()).toMatchObject({
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    });
    expect((await apiError(bot.api.createForumTopic(alice.id, 'x'))).description).toBe(
      PRIVATE_TOPIC_ERRORS.notForum,
    );
    fake.setPrivateTopicMode({ enabled: true, usersCanCreate: true });
    expect(await bot.api.getMe()).toMatchObject({
      has_topics_enabled: true,
      allows_users_to_create_topics: true,
    });
    const topic = await bot.api.createForumTopic(alice.id, 'session A');
    expect(topic).toEqual({ message_thread_id: 1, name: 'session A', icon_color: 7322096 });
    expect(fake.topics(alice.id).map((t) => t.name)).toEqual(['session A']);
  });

  it('messages, drafts and rich messages go into a private topic', async () => {
    const { fake, bot } = await setup({ botUser: { has_topics_enabled: true } });
    fake.addPrivateChat(alice);
    const a = await bot.api.createForumTopic(alice.id, 'A');
    const b = await bot.api.createForumTopic(alice.id, 'B');
    const sent = await bot.api.sendMessage(alice.id, 'in A', {
      message_thread_id: a.message_thread_id,
    });
    expect([sent.message_thread_id, sent.is_topic_message]).toEqual([a.message_thread_id, true]);
    await bot.api.sendMessageDraft(alice.id, 1, 'draft A', {
      message_thread_id: a.message_thread_id,
    });
    await bot.api.sendMessageDraft(alice.id, 1, 'draft B', {
      message_thread_id: b.message_thread_id,
    });
    expect(fake.drafts(alice.id).map((d) => d.text)).toEqual(['draft A', 'draft B']);
    await bot.api.sendRichMessage(
      alice.id,
      { blocks: [{ type: 'paragraph', text: 'answer B' }] },
      { message_thread_id: b.message_thread_id },
    );
    // The message clears only its own topic's draft.
    expect(fake.drafts(alice.id).map((d) => d.text)).toEqual(['draft A']);
    expect(fake.messages(alice.id, a.message_thread_id).map((m) => m.plainText)).toEqual(['in A']);
    expect(fake.messages(alice.id, b.message_thread_id).map((m) => m.plainText)).toEqual([
      'answer B',
    ]);
    expect(
      (await apiError(bot.api.sendMessage(alice.id, 'x', { message_thread_id: 99 }))).description,
    ).toBe('Bad Request: message thread not found');
    const reply = fake.userSendsText({
      from: alice,
      chatId: alice.id,
      threadId: b.message_thread_id,
      text: 'hi B',
    });
    expect(reply.message.message_thread_id).toBe(b.message_thread_id);
  });

  it('the user creates a topic when allowed; the stop update carries the thread', async () => {
    const { fake, bot } = await setup({ botUser: { has_topics_enabled: true } });
    fake.addPrivateChat(alice);
    expect(() => fake.userCreatesTopic({ from: alice, chatId: alice.id, name: 'mine' })).toThrow(
      /does not let users create topics/,
    );
    fake.setPrivateTopicMode({ enabled: true, usersCanCreate: true });
    const created = fake.userCreatesTopic({ from: alice, chatId: alice.id, name: 'mine' });
    expect(created.update?.message).toMatchObject({
      message_thread_id: created.threadId,
      is_topic_message: true,
      forum_topic_created: { name: 'mine', icon_color: 7322096 },
      from: { id: alice.id, is_bot: false },
    });
    await bot.api.sendMessageDraft(alice.id, 5, 'x', {
      message_thread_id: created.threadId,
      can_stop: true,
    });
    const stop = fake.userPressesStop(alice.id, created.threadId, 5);
    expect(stop?.stopped_message_generation).toMatchObject({
      message_thread_id: created.threadId,
      draft_id: 5,
    });
  });

  it('edits and deletes private topics', async () => {
    const { fake, bot } = await setup({ botUser: { has_topics_enabled: true } });
    fake.addPrivateChat(alice);
    const { message_thread_id: id } = await bot.api.createForumTopic(alice.id, 'old');
    await bot.api.editForumTopic(alice.id, id, { name: 'new' });
    expect(fake.topics(alice.id)[0]?.name).toBe('new');
    await bot.api.deleteForumTopic(alice.id, id);
    expect(fake.topics(alice.id)).toEqual([]);
  });
});

describe('old-server mode', () => {
  it('answers 404 for the new methods and 400 for rich edits, and works as before otherwise', async () => {
    const { fake, bot } = await setup({
      legacyServer: true,
      botUser: { has_topics_enabled: true },
    });
    fake.addPrivateChat(alice);
    for (const call of [
      bot.api.sendMessageDraft(alice.id, 1, 'x'),
      bot.api.sendRichMessageDraft(alice.id, 1, { html: '<p>x</p>' }),
      bot.api.sendRichMessage(alice.id, { html: '<p>x</p>' }),
    ]) {
      const error = await apiError(call);
      expect([error.error_code, error.description]).toEqual([404, METHOD_NOT_FOUND]);
    }
    const sent = await bot.api.sendMessage(alice.id, 'html path');
    const edit = await apiError(
      bot.api.editMessageText(alice.id, sent.message_id, { html: '<p>x</p>' }),
    );
    expect([edit.error_code, edit.description]).toEqual([
      400,
      'Bad Request: message text is empty',
    ]);
    expect(await bot.api.getMe()).not.toHaveProperty('has_topics_enabled');
    expect((await apiError(bot.api.createForumTopic(alice.id, 'x'))).description).toBe(
      'Bad Request: the chat is not a forum',
    );
    fake.setLegacyServer(false);
    expect(await bot.api.sendMessageDraft(alice.id, 1, 'x')).toBe(true);
  });
});
