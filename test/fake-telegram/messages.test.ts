import { describe, expect, it } from 'vitest';
import { InlineKeyboard } from 'grammy';
import { alice, apiError, setup } from './helpers';

const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

describe('sendMessage', () => {
  it('returns a realistic Message and records it', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendMessage(alice.id, '<b>Hi</b> <i>there</i>', {
      parse_mode: 'HTML',
    });
    expect(sent.message_id).toBe(1);
    expect(sent.chat).toEqual({
      id: alice.id,
      type: 'private',
      first_name: 'Alice',
      username: 'alice_dev',
    });
    expect(sent.from?.username).toBe('fake_bridge_bot');
    expect(sent.text).toBe('Hi there');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 2 },
      { type: 'italic', offset: 3, length: 5 },
    ]);
    expect(Math.abs(sent.date - Date.now() / 1000)).toBeLessThan(5);
    const second = await bot.api.sendMessage(alice.id, 'again');
    expect(second.message_id).toBe(2);
    expect(second.entities).toBeUndefined();
    const [first] = fake.messages(alice.id);
    expect(first?.html).toBe('<b>Hi</b> <i>there</i>');
    expect(fake.calls('sendMessage').map((c) => c.ok)).toEqual([true, true]);
  });

  it('answers chat not found for unknown chats', async () => {
    const { bot } = await setup();
    const error = await apiError(bot.api.sendMessage(42, 'hello'));
    expect([error.error_code, error.description]).toEqual([400, 'Bad Request: chat not found']);
  });

  it('rejects invalid HTML with 400 and sends nothing', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const unknown = await apiError(
      bot.api.sendMessage(alice.id, '<foo>x</foo>', { parse_mode: 'HTML' }),
    );
    expect(unknown.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    );
    const unbalanced = await apiError(
      bot.api.sendMessage(alice.id, '<b>x', { parse_mode: 'HTML' }),
    );
    expect(unbalanced.description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    const bare = await apiError(bot.api.sendMessage(alice.id, 'a < b', { parse_mode: 'HTML' }));
    expect(bare.error_code).toBe(400);
    expect(fake.messages(alice.id)).toEqual([]);
    // The same text is fine once escaped.
    const ok = await bot.api.sendMessage(alice.id, 'a &lt; b', { parse_mode: 'HTML' });
    expect(ok.text).toBe('a < b');
  });

  it('applies the 1..4096 limit to the text after entity parsing', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const full = 'x'.repeat(4096);
    const sent = await bot.api.sendMessage(alice.id, `<b>${full}</b>`, { parse_mode: 'HTML' });
    expect(sent.text).toHaveLength(4096);
    expect(sent.entities).toEqual([{ type: 'bold', offset: 0, length: 4096 }]);
    const tooLong = await apiError(
      bot.api.sendMessage(alice.id, `<b>${full}y</b>`, { parse_mode: 'HTML' }),
    );
    expect(tooLong.description).toBe('Bad Request: message is too long');
    // 4096 UTF-16 units: 2048 emoji fit, one more does not.
    await bot.api.sendMessage(alice.id, '😀'.repeat(2048));
    expect((await apiError(bot.api.sendMessage(alice.id, '😀'.repeat(2049)))).description).toBe(
      'Bad Request: message is too long',
    );
    const empty = await apiError(bot.api.sendMessage(alice.id, '<b> </b>', { parse_mode: 'HTML' }));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('checks callback_data is 1..64 bytes of UTF-8', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const ok = new InlineKeyboard().text('go', 'a'.repeat(64));
    const sent = await bot.api.sendMessage(alice.id, 'pick', { reply_markup: ok });
    expect(sent.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'go', callback_data: 'a'.repeat(64) }]],
    });
    // 22 three-byte characters = 66 bytes although only 22 characters.
    const multibyte = new InlineKeyboard().text('go', '€'.repeat(22));
    const error = await apiError(
      bot.api.sendMessage(alice.id, 'pick', { reply_markup: multibyte }),
    );
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const long = new InlineKeyboard().text('go', 'a'.repeat(65));
    expect(
      (await apiError(bot.api.sendMessage(alice.id, 'pick', { reply_markup: long }))).description,
    ).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('detects URLs like Telegram does', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendMessage(alice.id, 'see https://example.com/a.');
    expect(sent.entities).toEqual([{ type: 'url', offset: 4, length: 21 }]);
  });
});

describe('editing and deleting', () => {
  it('edits text, keeps history, and reports not-modified only for identical content', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const keyboard = new InlineKeyboard().text('Stop', 'stop');
    const sent = await bot.api.sendMessage(alice.id, 'working', { reply_markup: keyboard });
    const edited = await bot.api.editMessageText(alice.id, sent.message_id, '<b>done</b>', {
      parse_mode: 'HTML',
      reply_markup: keyboard,
    });
    expect(edited).toMatchObject({
      text: 'done',
      entities: [{ type: 'bold', offset: 0, length: 4 }],
    });
    expect(typeof (edited as { edit_date?: number }).edit_date).toBe('number');

    const same = await apiError(
      bot.api.editMessageText(alice.id, sent.message_id, '<b>done</b>', {
        parse_mode: 'HTML',
        reply_markup: keyboard,
      }),
    );
    expect([same.error_code, same.description]).toEqual([400, NOT_MODIFIED]);
    // Same text but no bold: entities differ, so it is a real edit.
    await bot.api.editMessageText(alice.id, sent.message_id, 'done', { reply_markup: keyboard });
    // Same text and entities, but the keyboard is dropped: also a real edit.
    await bot.api.editMessageText(alice.id, sent.message_id, 'done');

    const [view] = fake.messages(alice.id);
    expect(view?.history.map((v) => [v.text, v.html, v.replyMarkup ? 'kb' : '-'])).toEqual([
      ['working', undefined, 'kb'],
      ['done', '<b>done</b>', 'kb'],
      ['done', undefined, 'kb'],
      ['done', undefined, '-'],
    ]);
    expect(view?.editCount).toBe(3);
    expect(view?.replyMarkup).toBeUndefined();
  });

  it('answers message to edit not found', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const error = await apiError(bot.api.editMessageText(alice.id, 77, 'x'));
    expect(error.description).toBe('Bad Request: message to edit not found');
  });

  it('editMessageReplyMarkup replaces or removes the keyboard', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendMessage(alice.id, 'q', {
      reply_markup: new InlineKeyboard().text('A', 'a'),
    });
    await bot.api.editMessageReplyMarkup(alice.id, sent.message_id, {
      reply_markup: new InlineKeyboard().text('B', 'b'),
    });
    expect(fake.messages(alice.id)[0]?.replyMarkup?.inline_keyboard[0]?.[0]?.text).toBe('B');
    await bot.api.editMessageReplyMarkup(alice.id, sent.message_id);
    expect(fake.messages(alice.id)[0]?.replyMarkup).toBeUndefined();
    const again = await apiError(bot.api.editMessageReplyMarkup(alice.id, sent.message_id));
    expect(again.description).toBe(NOT_MODIFIED);
  });

  it('deletes once', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendMessage(alice.id, 'bye');
    expect(await bot.api.deleteMessage(alice.id, sent.message_id)).toBe(true);
    expect(fake.messages(alice.id)).toEqual([]);
    expect(fake.message(alice.id, sent.message_id)?.deleted).toBe(true);
    const error = await apiError(bot.api.deleteMessage(alice.id, sent.message_id));
    expect(error.description).toBe('Bad Request: message to delete not found');
  });

  it('records chat actions and validates them', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendChatAction(alice.id, 'typing');
    expect(fake.chatActions(alice.id).map((a) => a.action)).toEqual(['typing']);
    const error = await apiError(
      bot.api.raw.sendChatAction({ chat_id: alice.id, action: 'dancing' as 'typing' }),
    );
    expect(error.description).toBe('Bad Request: wrong parameter action in request');
  });
});
