import { describe, expect, it } from 'vitest';
import { alice, apiError, setup } from './helpers';

describe('flood limits', () => {
  it('allows a burst of 3 per chat, then 429 with retry_after until a token refills', async () => {
    let now = 1_700_000_000_000;
    const { fake, bot } = await setup({ rateLimits: {}, now: () => now });
    fake.addPrivateChat(alice);
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(alice.id, `m${i}`);
    const error = await apiError(bot.api.sendMessage(alice.id, 'too fast'));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 1');
    expect(error.parameters.retry_after).toBe(1);
    // Chat actions and callback answers don't count.
    await bot.api.sendChatAction(alice.id, 'typing');
    now += 1000;
    await bot.api.sendMessage(alice.id, 'after a second');
    expect(fake.rateLimitHits()).toEqual([
      { method: 'sendMessage', chatId: alice.id, retryAfter: 1, at: 1_700_000_000_000 },
    ]);
    expect(fake.calls('sendMessage').map((c) => c.errorCode ?? 200)).toEqual([
      200, 200, 200, 429, 200,
    ]);
  });

  it('limits a group to 20 per minute', async () => {
    let now = 1_700_000_000_000;
    const { fake, bot } = await setup({ rateLimits: { perChatBurst: 100 }, now: () => now });
    const group = fake.addForumGroup({ title: 'Team' });
    for (let i = 0; i < 20; i++) {
      await bot.api.sendMessage(group.id, `m${i}`);
      now += 100;
    }
    const error = await apiError(bot.api.sendMessage(group.id, 'one too many'));
    // The first of the 20 leaves the window 60 s after it was sent: 58 s from now.
    expect(error.parameters.retry_after).toBe(58);
    now += 58_000;
    await bot.api.sendMessage(group.id, 'ok again');
  });

  it('counts what Telegram counts in a group: sends and edits, not topics, deletions or chat actions', async () => {
    let now = 1_700_000_000_000;
    const { fake, bot } = await setup({ rateLimits: { perChatBurst: 100 }, now: () => now });
    const group = fake.addForumGroup({ title: 'Team', botIsAdmin: true, canManageTopics: true });
    const topics = [];
    for (let i = 0; i < 4; i++) topics.push(await bot.api.createForumTopic(group.id, `t${i}`));
    await bot.api.editForumTopic(group.id, topics[0]!.message_thread_id, { name: 'renamed' });
    const first = await bot.api.sendMessage(group.id, 'first');
    const doomed = await bot.api.sendMessage(group.id, 'doomed');
    await bot.api.deleteMessage(group.id, doomed.message_id);
    await bot.api.sendChatAction(group.id, 'typing');
    now += 100;
    // 2 sends so far; 18 more message calls, edits included, fill the minute.
    for (let i = 0; i < 9; i++) {
      await bot.api.editMessageText(group.id, first.message_id, `edit ${i}`);
      await bot.api.sendMessage(group.id, `m${i}`, {
        message_thread_id: topics[i % 4]!.message_thread_id,
      });
    }
    const error = await apiError(bot.api.editMessageText(group.id, first.message_id, 'one more'));
    expect(error.error_code).toBe(429);
    // Counted from its arrival, the first send leaves the window exactly 60 s later.
    now += 59_899;
    expect((await apiError(bot.api.sendMessage(group.id, 'not yet'))).parameters.retry_after).toBe(
      1,
    );
    now += 1;
    await bot.api.sendMessage(group.id, 'in the slot the first send left');
  });

  it('charges nothing for a call refused with an error: it put no message in the chat', async () => {
    const now = 1_700_000_000_000;
    const { fake, bot } = await setup({ rateLimits: {}, now: () => now });
    fake.addPrivateChat(alice);
    for (let i = 0; i < 5; i++) await apiError(bot.api.editMessageText(alice.id, 999, 'gone'));
    await apiError(bot.api.sendMessage(alice.id, '<b>broken', { parse_mode: 'HTML' }));
    // The burst of 3 is still whole.
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(alice.id, `m${i}`);
    expect(fake.rateLimitHits()).toEqual([]);
  });

  it('refills a chat continuously: one call a second never hits the limit, a refused call passes at retry_after', async () => {
    let now = 1_700_000_000_000;
    const { fake, bot } = await setup({ rateLimits: {}, now: () => now });
    fake.addPrivateChat(alice);
    for (let i = 0; i < 120; i++) {
      await bot.api.sendMessage(alice.id, `m${i}`);
      now += 1000;
    }
    expect(fake.rateLimitHits()).toEqual([]);
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(alice.id, `burst ${i}`);
    const retryAfter = (await apiError(bot.api.sendMessage(alice.id, 'too fast'))).parameters
      .retry_after!;
    now += retryAfter * 1000;
    await bot.api.sendMessage(alice.id, 'after retry_after');
  });

  it('limits the bot to 30 per second across chats', async () => {
    const now = 1_700_000_000_000;
    const { fake, bot } = await setup({ rateLimits: {}, now: () => now });
    const chats = Array.from({ length: 31 }, (_, i) =>
      fake.addPrivateChat({ id: 9000 + i, first_name: `U${i}` }),
    );
    for (const chat of chats.slice(0, 30)) await bot.api.sendMessage(chat.id, 'hi');
    const error = await apiError(bot.api.sendMessage(chats[30]!.id, 'hi'));
    expect(error.parameters.retry_after).toBe(1);
  });

  it('rateLimitChat forces 429s even with limits disabled; rateLimits:false disables them', async () => {
    const { fake, bot } = await setup({ rateLimits: false });
    fake.addPrivateChat(alice);
    for (let i = 0; i < 10; i++) await bot.api.sendMessage(alice.id, `m${i}`);
    fake.rateLimitChat(alice.id, 30);
    const error = await apiError(bot.api.editMessageText(alice.id, 1, 'x'));
    expect([error.error_code, error.parameters.retry_after]).toEqual([429, 30]);
  });
});
