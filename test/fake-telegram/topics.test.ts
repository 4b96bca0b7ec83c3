import { describe, expect, it } from 'vitest';
import { alice, apiError, setup } from './helpers';

describe('forum topics', () => {
  it('creates topics, sends into them, and messages() filters by thread', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Projects' });
    const topic = await bot.api.createForumTopic(group.id, 'opencode-bridge');
    expect(topic).toEqual({ message_thread_id: 2, name: 'opencode-bridge', icon_color: 7322096 });

    const inTopic = await bot.api.sendMessage(group.id, 'in topic', {
      message_thread_id: topic.message_thread_id,
    });
    expect(inTopic.message_thread_id).toBe(2);
    expect(inTopic.is_topic_message).toBe(true);
    expect(inTopic.reply_to_message?.forum_topic_created?.name).toBe('opencode-bridge');
    const general = await bot.api.sendMessage(group.id, 'in general');
    expect(general.message_thread_id).toBeUndefined();
    expect(general.chat).toEqual({
      id: group.id,
      type: 'supergroup',
      title: 'Projects',
      is_forum: true,
    });

    expect(fake.messages(group.id, 2).map((m) => m.text)).toEqual(['in topic']);
    expect(fake.messages(group.id, 1).map((m) => m.text)).toEqual(['in general']);
    expect(fake.messages(group.id).map((m) => m.text)).toEqual(['in topic', 'in general']);
    expect(fake.topics(group.id).map((t) => t.name)).toEqual(['opencode-bridge']);

    // The user writes in the topic; the update carries the thread.
    const sent = fake.userSendsText({ from: alice, chatId: group.id, threadId: 2, text: 'hi' });
    expect(sent.message.message_thread_id).toBe(2);
  });

  it('rejects unknown threads, General as id 1, and non-forums', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Projects' });
    expect(
      (await apiError(bot.api.sendMessage(group.id, 'x', { message_thread_id: 99 }))).description,
    ).toBe('Bad Request: message thread not found');
    expect(
      (await apiError(bot.api.sendMessage(group.id, 'x', { message_thread_id: 1 }))).description,
    ).toBe('Bad Request: message thread not found');
    const plain = fake.addForumGroup({ title: 'Plain', isForum: false });
    expect((await apiError(bot.api.createForumTopic(plain.id, 'x'))).description).toBe(
      'Bad Request: the chat is not a forum',
    );
  });

  it('needs admin rights with can_manage_topics', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Projects', canManageTopics: false });
    expect((await apiError(bot.api.createForumTopic(group.id, 'x'))).description).toBe(
      'Bad Request: not enough rights to create a topic',
    );
    fake.setBotRights(group.id, { canManageTopics: true });
    await bot.api.createForumTopic(group.id, 'x');
  });

  it('edits, closes and deletes topics', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Projects' });
    const { message_thread_id: id } = await bot.api.createForumTopic(group.id, 'old');
    await bot.api.sendMessage(group.id, 'hello', { message_thread_id: id });
    await bot.api.editForumTopic(group.id, id, { name: 'new' });
    expect(fake.topics(group.id)[0]?.name).toBe('new');
    expect(
      (await apiError(bot.api.editForumTopic(group.id, id, { name: 'new' }))).description,
    ).toBe('Bad Request: TOPIC_NOT_MODIFIED');
    await bot.api.closeForumTopic(group.id, id);
    expect(fake.topics(group.id)[0]?.closed).toBe(true);
    await bot.api.deleteForumTopic(group.id, id);
    expect(fake.topics(group.id)).toEqual([]);
    expect(fake.messages(group.id, id)).toEqual([]);
    expect(
      (await apiError(bot.api.sendMessage(group.id, 'x', { message_thread_id: id }))).description,
    ).toBe('Bad Request: TOPIC_DELETED');
  });
});
