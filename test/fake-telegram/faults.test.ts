import { describe, expect, it } from 'vitest';
import { HttpError } from 'grammy';
import { alice, apiError, setup } from './helpers';

describe('fault injection', () => {
  it('an outage answers 502 HTML, fails waiting long polls, and recovers', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const poll = bot.api.getUpdates({ timeout: 10 });
    await fake.waitFor(() => fake.isPolling());
    fake.setOutage(true);
    await expect(poll).rejects.toBeInstanceOf(HttpError);
    const raw = await fetch(`${fake.apiRoot}/bot${fake.token}/getMe`);
    expect(raw.status).toBe(502);
    expect(await raw.text()).toContain('<title>502 Bad Gateway</title>');
    await expect(bot.api.sendMessage(alice.id, 'x')).rejects.toBeInstanceOf(HttpError);

    fake.setOutage(false);
    expect((await bot.api.sendMessage(alice.id, 'back')).text).toBe('back');
    expect(fake.calls((c) => c.errorCode === 502).length).toBe(3);
  });

  it('failNext fails exactly one call with the given error', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      retry_after: 7,
    });
    const error = await apiError(bot.api.sendMessage(alice.id, 'x'));
    expect([error.error_code, error.parameters.retry_after]).toEqual([429, 7]);
    expect(fake.rateLimitHits()).toHaveLength(1);
    expect((await bot.api.sendMessage(alice.id, 'y')).text).toBe('y');
  });

  it('close() ends pending long polls promptly', async () => {
    const { fake, bot } = await setup();
    const poll = bot.api.getUpdates({ timeout: 30 });
    await fake.waitFor(() => fake.isPolling());
    const started = Date.now();
    await fake.close();
    await poll.catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
