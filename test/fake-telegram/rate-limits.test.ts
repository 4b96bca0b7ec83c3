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
