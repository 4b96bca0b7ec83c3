import { describe, expect, it } from 'vitest';
import { GrammyError } from 'grammy';
import type { Message } from 'grammy/types';
import { alice, apiError, newBot, setup } from './helpers';

describe('getUpdates long polling', () => {
  it('delivers user messages to a running grammY bot, commands carry bot_command', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const seen: Message[] = [];
    bot.command('start', (ctx) => {
      seen.push(ctx.msg);
    });
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.msg.text}`));
    void bot.start({ timeout: 5 });
    await fake.waitFor(() => fake.isPolling());

    fake.userSendsText({ from: alice, chatId: alice.id, text: '/start now' });
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'hello' });
    await fake.waitFor(() => fake.messages(alice.id).length === 1);

    expect(seen).toHaveLength(1);
    expect(seen[0]?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(fake.messages(alice.id)[0]?.text).toBe('echo: hello');
    expect(fake.updates().map((u) => u.update_id)).toEqual([1000, 1001]);
  });

  it('keeps updates until confirmed by offset; a restart with the saved offset does not redeliver', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'one' });
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'two' });

    const first = await bot.api.getUpdates({ timeout: 0 });
    expect(first.map((u) => u.update_id)).toEqual([1000, 1001]);
    // Not confirmed yet: the same batch again.
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([
      1000, 1001,
    ]);
    // offset = last + 1 confirms everything before it.
    const saved = first.at(-1)!.update_id + 1;
    expect(await bot.api.getUpdates({ offset: saved, timeout: 0 })).toEqual([]);

    // A new process that starts with the saved offset sees only new updates.
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'three' });
    const restarted = newBot(fake);
    const after = await restarted.api.getUpdates({ offset: saved, timeout: 0 });
    expect(after.map((u) => u.message?.text)).toEqual(['three']);
  });

  it('grammY stop/start does not process an update twice', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const texts: string[] = [];
    bot.on('message:text', (ctx) => {
      texts.push(ctx.msg.text);
    });
    void bot.start({ timeout: 5 });
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'first' });
    await fake.waitFor(() => texts.length === 1);
    await bot.stop();

    const again = newBot(fake);
    const textsAgain: string[] = [];
    again.on('message:text', (ctx) => {
      textsAgain.push(ctx.msg.text);
    });
    void again.start({ timeout: 5 });
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'second' });
    await fake.waitFor(() => textsAgain.length === 1);
    expect(textsAgain).toEqual(['second']);
  });

  it('supports limit and negative offsets', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    for (const text of ['a', 'b', 'c', 'd'])
      fake.userSendsText({ from: alice, chatId: alice.id, text });
    expect(
      (await bot.api.getUpdates({ limit: 2, timeout: 0 })).map((u) => u.message?.text),
    ).toEqual(['a', 'b']);
    // -1: only the last update; everything before it is forgotten.
    expect(
      (await bot.api.getUpdates({ offset: -1, timeout: 0 })).map((u) => u.message?.text),
    ).toEqual(['d']);
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.message?.text)).toEqual(['d']);
  });

  it('allowed_updates is sticky and filters updates created afterwards', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.getUpdates({ timeout: 0, allowed_updates: ['callback_query'] });
    const sent = fake.userSendsText({ from: alice, chatId: alice.id, text: 'ignored' });
    expect(sent.update).toBeUndefined();
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    await bot.api.getUpdates({ timeout: 0, allowed_updates: [] });
    expect(
      fake.userSendsText({ from: alice, chatId: alice.id, text: 'seen' }).update?.update_id,
    ).toBe(1000);
  });

  it('a long poll returns as soon as an update arrives and [] on timeout', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const started = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const pending = bot.api.getUpdates({ timeout: 10 });
    await fake.waitFor(() => fake.isPolling());
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'wake up' });
    const updates = await pending;
    expect(updates.map((u) => u.message?.text)).toEqual(['wake up']);
  });

  it('a second concurrent getUpdates makes the earlier one fail with 409 Conflict', async () => {
    const { fake, bot } = await setup();
    const running = bot.start({ timeout: 10 });
    await fake.waitFor(() => fake.isPolling());
    const other = newBot(fake);
    const otherPoll = other.api.getUpdates({ timeout: 1 });

    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    // The newer request is the one that keeps polling.
    expect(await otherPoll).toEqual([]);
  });

  it('rejects a wrong token with 401 and unknown methods with 404', async () => {
    const { fake, bot } = await setup();
    const wrong = newBot(fake, '999:WRONG');
    const error = await apiError(wrong.api.getMe());
    expect([error.error_code, error.description]).toEqual([401, 'Unauthorized']);
    const missing = await apiError(bot.api.raw.sendDice({ chat_id: 1 }));
    expect([missing.error_code, missing.description]).toEqual([404, 'Not Found']);
  });

  it('getMe, getWebhookInfo and deleteWebhook(drop_pending_updates)', async () => {
    const { fake, bot } = await setup();
    const me = await bot.api.getMe();
    expect(me).toMatchObject({
      id: 123,
      is_bot: true,
      username: 'fake_bridge_bot',
      can_join_groups: true,
    });
    fake.addPrivateChat(alice);
    fake.userSendsText({ from: alice, chatId: alice.id, text: 'x' });
    expect(await bot.api.getWebhookInfo()).toEqual({
      url: '',
      has_custom_certificate: false,
      pending_update_count: 1,
    });
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
  });
});
