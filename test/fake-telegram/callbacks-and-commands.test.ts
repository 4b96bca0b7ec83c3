import { describe, expect, it } from 'vitest';
import { InlineKeyboard } from 'grammy';
import { alice, apiError, setup } from './helpers';

describe('callback queries', () => {
  it('delivers button presses and accepts one answer per query', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    bot.callbackQuery('approve', (ctx) => ctx.answerCallbackQuery({ text: 'Approved' }));
    void bot.start({ timeout: 5 });
    const sent = await bot.api.sendMessage(alice.id, 'Allow edit?', {
      reply_markup: new InlineKeyboard().text('Approve', 'approve'),
    });
    const id = fake.userPressesButton({
      from: alice,
      chatId: alice.id,
      messageId: sent.message_id,
      data: 'approve',
    });
    const [answer] = await fake.waitFor(() =>
      fake.callbackAnswers().length > 0 ? fake.callbackAnswers() : undefined,
    );
    expect(answer).toMatchObject({ callbackQueryId: id, text: 'Approved', showAlert: false });
    const twice = await apiError(bot.api.answerCallbackQuery(id));
    expect(twice.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    expect(() =>
      fake.userPressesButton({
        from: alice,
        chatId: alice.id,
        messageId: sent.message_id,
        data: 'nope',
      }),
    ).toThrow();
  });

  it('limits answer text to 200 characters', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendMessage(alice.id, 'q', {
      reply_markup: new InlineKeyboard().text('A', 'a'),
    });
    const id = fake.userPressesButton({
      from: alice,
      chatId: alice.id,
      messageId: sent.message_id,
      data: 'a',
    });
    expect(
      (await apiError(bot.api.answerCallbackQuery(id, { text: 'x'.repeat(201) }))).description,
    ).toBe('Bad Request: MESSAGE_TOO_LONG');
    expect(await bot.api.answerCallbackQuery(id, { text: 'x'.repeat(200) })).toBe(true);
  });
});

describe('bot commands', () => {
  it('stores commands per scope and language', async () => {
    const { fake, bot } = await setup();
    await bot.api.setMyCommands([{ command: 'new', description: 'New session' }]);
    await bot.api.setMyCommands([{ command: 'neu', description: 'Neue Sitzung' }], {
      language_code: 'de',
    });
    await bot.api.setMyCommands([{ command: 'stop', description: 'Stop' }], {
      scope: { type: 'all_private_chats' },
    });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'new', description: 'New session' }]);
    expect(await bot.api.getMyCommands({ language_code: 'de' })).toEqual([
      { command: 'neu', description: 'Neue Sitzung' },
    ]);
    expect(fake.commandsFor({ type: 'all_private_chats' })).toEqual([
      { command: 'stop', description: 'Stop' },
    ]);
    expect(fake.commands()).toHaveLength(3);
    await bot.api.deleteMyCommands();
    expect(await bot.api.getMyCommands()).toEqual([]);
    const invalid = await apiError(
      bot.api.setMyCommands([{ command: 'Bad-Name', description: 'x' }]),
    );
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });
});
