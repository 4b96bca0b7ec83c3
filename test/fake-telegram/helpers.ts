// Shared setup for the fake's own tests: one fake server per test, closed afterwards.
import { afterEach } from 'vitest';
import { Bot, GrammyError } from 'grammy';
import {
  startFakeTelegram,
  type FakeTelegram,
  type FakeTelegramOptions,
} from '../support/fake-telegram/index';

const started: FakeTelegram[] = [];
const bots: Bot[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) if (bot.isRunning()) await bot.stop();
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

export const alice = { id: 5001, first_name: 'Alice', username: 'alice_dev' };

/** Flood limits are off unless a test asks for them, so functional tests stay fast. */
export async function setup(
  options: FakeTelegramOptions = {},
): Promise<{ fake: FakeTelegram; bot: Bot }> {
  const fake = await startFakeTelegram({ rateLimits: false, ...options });
  started.push(fake);
  const bot = newBot(fake);
  return { fake, bot };
}

export function newBot(fake: FakeTelegram, token = fake.token): Bot {
  const bot = new Bot(token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botUser });
  bots.push(bot);
  return bot;
}

/** The GrammyError a call fails with (fails the test if it succeeds). */
export async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
