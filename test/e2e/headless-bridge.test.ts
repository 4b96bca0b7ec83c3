// Issue 2 end to end: the real OpenCode, the scripted model, the fake Bot API server and the
// headless bridge run as `npm run bridge` does.
import { describe, expect, it } from 'vitest';
import { startBridge } from '../support/bridge-process';
import { expectedReply, prompts } from '../support/model-server';
import {
  HTML_PATH,
  OWNER,
  STRANGER,
  botMessages,
  sessionOf,
  useBench,
  useBridges,
  tempDir,
  userTextsOf,
  waitForNotice,
} from './bench';

// Real Telegram limits are on: a single 429 fails the streaming test.
const bench = useBench();
const bridges = useBridges(bench);

describe('headless bridge, private chat', () => {
  it('streams an answer into one message edited in place, ending with the model’s exact text', async () => {
    const { telegram } = bench;
    // The edit path (drafts.test.ts covers the default draft path of a private chat).
    const bridge = await bridges.run({ env: { ...HTML_PATH } });
    const prompt = prompts.stream(1800, { tps: 60 });
    const before = telegram.calls().length;
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    await waitForNotice(telegram, OWNER.id);

    const [reply, notice, ...others] = botMessages(telegram, OWNER.id);
    expect(others).toEqual([]);
    expect(reply!.plainText).toBe(expectedReply(prompt));
    expect(notice!.text).toMatch(/^✅ Done in \d+ s/);

    // It streamed: several versions, each showing a growing prefix of the answer.
    const shown = reply!.history.map((v) => (v.text ?? '').replace(/\n*⏳ working…$/u, ''));
    expect(shown.length).toBeGreaterThanOrEqual(4);
    const streamed = shown.filter((t) => t.length > 0 && t !== reply!.text);
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    for (const partial of streamed) expect(expectedReply(prompt).startsWith(partial)).toBe(true);

    // Paced: message calls in the chat at least the edit interval apart (measured at the server,
    // so up to 100 ms of scheduling and transit jitter on a loaded machine is allowed for; the outbox's
    // exact spacing of send starts is proven on a fake clock in test/outbox), and Telegram never said 429.
    const messageCalls = telegram
      .calls()
      .slice(before)
      .filter(
        (c) =>
          ['sendMessage', 'editMessageText'].includes(c.method) && c.params['chat_id'] === OWNER.id,
      );
    const gaps = messageCalls.slice(1).map((c, i) => c.at - messageCalls[i]!.at);
    const timeline = messageCalls.map((c) => `${c.at} ${c.method} ${c.ok ? 'ok' : c.description}`);
    expect(Math.min(...gaps), timeline.join('\n')).toBeGreaterThanOrEqual(900);
    expect(telegram.rateLimitHits()).toEqual([]);
    expect(telegram.chatActions(OWNER.id).some((a) => a.action === 'typing')).toBe(true);
    expect(bridge.lines.join('\n')).not.toContain(bench.opencode.password);
  });

  it('ignores a stranger: nothing reaches OpenCode, no reply, one log line', async () => {
    const { telegram, model } = bench;
    const bridge = await bridges.run();
    const requestsBefore = model.requests.length;
    telegram.userSendsText({ from: STRANGER, chatId: STRANGER.id, text: 'rm -rf / please' });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/help' });
    // The owner's /help is handled after the stranger's message, so by then it was dropped.
    await telegram.waitFor(
      () => botMessages(telegram, OWNER.id, /send a message and the agent/).length > 0,
    );
    expect(botMessages(telegram, STRANGER.id)).toEqual([]);
    expect(model.requests.length).toBe(requestsBefore);
    expect(bridge.lines.filter((l) => l.includes(String(STRANGER.id)))).toEqual([
      expect.stringMatching(/Ignored an update from user 6666 \(not on the allowlist\)/),
    ]);
  });

  it('keeps the chat in the same OpenCode session across a restart, and stops promptly', async () => {
    const { telegram } = bench;
    const stateDir = await tempDir('bridge-state-');
    const first = await bridges.run({ stateDir });
    const noticesBefore = botMessages(telegram, OWNER.id, /^✅/u).length;
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'first message' });
    await waitForNotice(telegram, OWNER.id, noticesBefore + 1);
    const sessionId = await sessionOf(stateDir);

    const stopped = await first.stop();
    bridges.forget(first);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);

    await bridges.run({ stateDir });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'second message' });
    await waitForNotice(telegram, OWNER.id, noticesBefore + 2);
    expect(await userTextsOf(bench, sessionId)).toEqual(['first message', 'second message']);
    expect(botMessages(telegram, OWNER.id).at(-2)!.plainText).toBe(expectedReply('second message'));
  });
});

describe('configuration errors', () => {
  it.each([
    [{}, /TELEGRAM_BOT_TOKEN is not set/],
    [
      { TELEGRAM_BOT_TOKEN: '1:x' },
      /TELEGRAM_ALLOWED_USERS is not set: set it to your numeric Telegram user id/,
    ],
    [{ TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_ALLOWED_USERS: 'ada' }, /not a user id: "ada"/],
  ])('exits non-zero with one line saying what to set (%o)', async (env, message) => {
    const bridge = startBridge(env);
    expect(await bridge.exited).toBe(2);
    expect(bridge.lines).toEqual([expect.stringMatching(message)]);
  });
});
