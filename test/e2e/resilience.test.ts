// Issue 5, nothing lost: OpenCode killed mid-turn, the bridge killed mid-turn, Telegram down, a
// 429 storm, stale prompts. Each ends with complete answers, no duplicated prompts, no lost messages.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { expectedReply, prompts } from '../support/model-server';
import {
  HTML_PATH,
  OWNER,
  botMessages,
  sessionOf,
  tempDir,
  useBench,
  useBridges,
  userTextsOf,
} from './bench';

const bench = useBench();
// The edit-in-place reply message is what these faults are about; drafts.test.ts picks a draft
// turn up after a restart.
const bridges = useBridges(bench, HTML_PATH);

/** Messages the bot sent in the owner's chat after index `from`. */
const since = (from: number) => botMessages(bench.telegram, OWNER.id).slice(from);
const noticesSince = (from: number) => since(from).filter((m) => /^(✅|⚠️|⏹)/u.test(m.text ?? ''));

/** Waits until the live reply shows some of the streamed answer. */
async function streamingStarted(from: number): Promise<void> {
  await bench.telegram.waitFor(
    () => since(from).some((m) => m.editCount > 0 && /alpha/.test(m.text ?? '')),
    {
      timeoutMs: 60_000,
    },
  );
}

describe('nothing lost', () => {
  // Warm the OpenCode instance once: its first turn is slow, and these tests time their faults.
  beforeAll(async () => {
    const bridge = await bridges.run();
    const from = botMessages(bench.telegram, OWNER.id).length;
    bench.telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'warm up' });
    await bench.telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 90_000 });
    bridges.forget(bridge);
    await bridge.stop();
  }, 120_000);

  it('the bridge killed mid-turn is restarted and completes the same reply message', async () => {
    const { telegram, model } = bench;
    const stateDir = await tempDir('bridge-state-');
    const first = await bridges.run({ stateDir });
    const from = botMessages(telegram, OWNER.id).length;
    const prompt = prompts.stream(1500, { tps: 50 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    await streamingStarted(from);
    await first.kill9();
    bridges.forget(first);
    const persisted = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8'));
    expect(Object.keys(persisted.turns), first.lines.join('\n')).toHaveLength(1);

    const second = await bridges.run({ stateDir });
    await telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 60_000 });
    await second.waitForLine(/Picking up the turn in session/);
    const [reply, notice, ...rest] = since(from);
    expect(rest).toEqual([]);
    expect(reply!.text).toBe(expectedReply(prompt));
    // Picked up, the reply keeps showing the answer: never an edit back to a bare "working…".
    const shown = reply!.history.map((v) => v.text ?? '');
    const firstText = shown.findIndex((t) => /alpha/.test(t));
    expect(firstText).toBeGreaterThanOrEqual(0);
    expect(shown.slice(firstText).filter((t) => !/alpha/.test(t))).toEqual([]);
    expect(notice!.text).toMatch(/^✅ Done/u);
    // Neither lost nor repeated: OpenCode got the prompt once.
    expect(
      (await userTextsOf(bench, await sessionOf(stateDir))).filter((t) => t === prompt),
    ).toHaveLength(1);
    expect(model.chatRequests().filter((r) => r.userText === prompt)).toHaveLength(1);
  });

  it('OpenCode killed mid-turn: the reply is marked interrupted with what was produced, and the chat goes on', async () => {
    const { telegram, opencode } = bench;
    const stateDir = await tempDir('bridge-state-');
    const bridge = await bridges.run({ stateDir });
    const from = botMessages(telegram, OWNER.id).length;
    const prompt = prompts.stream(3000, { tps: 40 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    await streamingStarted(from);
    await opencode.kill9();
    await opencode.restart();
    await telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 90_000 });
    const [reply, notice] = since(from);
    expect(notice!.text).toMatch(/^⚠️ Interrupted/u);
    // What was produced is kept: a non-empty prefix of the answer.
    expect(reply!.text!.length).toBeGreaterThan(10);
    expect(expectedReply(prompt).startsWith(reply!.text!)).toBe(true);
    expect(bridge.lines.join('\n')).toMatch(/Reconnected to the OpenCode event stream/);

    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'still there?' });
    await telegram.waitFor(() => noticesSince(from).length > 1, { timeoutMs: 90_000 });
    expect(since(from).at(-2)!.text).toBe(expectedReply('still there?'));
  });

  it('an event stream that goes silent is torn down after 25 s and the turn still ends complete', async () => {
    const { telegram, opencode } = bench;
    const bridge = await bridges.run();
    const from = botMessages(telegram, OWNER.id).length;
    const prompt = prompts.stream(1200, { tps: 60 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    await streamingStarted(from);
    // A frozen server: the socket stays open, nothing arrives, not even heartbeats.
    process.kill(opencode.pid, 'SIGSTOP');
    try {
      await bridge.waitForLine(/No event or heartbeat from OpenCode for 25 s/, 40_000);
    } finally {
      process.kill(opencode.pid, 'SIGCONT');
    }
    await bridge.waitForLine(/Reconnected to the OpenCode event stream/, 60_000);
    await telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 60_000 });
    const [reply, notice, ...rest] = since(from);
    expect(rest).toEqual([]);
    expect(reply!.text).toBe(expectedReply(prompt));
    // Picked up, the reply keeps showing the answer: never an edit back to a bare "working…".
    const shown = reply!.history.map((v) => v.text ?? '');
    const firstText = shown.findIndex((t) => /alpha/.test(t));
    expect(firstText).toBeGreaterThanOrEqual(0);
    expect(shown.slice(firstText).filter((t) => !/alpha/.test(t))).toEqual([]);
    expect(notice!.text).toMatch(/^✅ Done/u);
  }, 150_000);

  it('Telegram down for 20 s mid-turn: the final answer arrives complete when it is back', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const from = botMessages(telegram, OWNER.id).length;
    const prompt = prompts.stream(1200, { tps: 60 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    await streamingStarted(from);
    telegram.setOutage(true);
    await new Promise((r) => setTimeout(r, 20_000));
    telegram.setOutage(false);
    await telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 60_000 });
    const [reply, notice, ...rest] = since(from);
    expect(rest).toEqual([]);
    expect(reply!.text).toBe(expectedReply(prompt));
    // Picked up, the reply keeps showing the answer: never an edit back to a bare "working…".
    const shown = reply!.history.map((v) => v.text ?? '');
    const firstText = shown.findIndex((t) => /alpha/.test(t));
    expect(firstText).toBeGreaterThanOrEqual(0);
    expect(shown.slice(firstText).filter((t) => !/alpha/.test(t))).toEqual([]);
    expect(notice!.text).toMatch(/^✅ Done/u);
    expect(bridge.lines.join('\n')).toMatch(/Cannot reach Telegram/);
  });

  it('a 429 storm pauses the chat without losing or duplicating anything', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const from = botMessages(telegram, OWNER.id).length;
    const prompt = prompts.stream(1500, { tps: 80 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    await streamingStarted(from);
    for (let i = 0; i < 3; i++) {
      telegram.rateLimitChat(OWNER.id, 2);
      await new Promise((r) => setTimeout(r, 2500));
    }
    await telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 60_000 });
    const [reply, notice, ...rest] = since(from);
    expect(rest).toEqual([]);
    expect(reply!.text).toBe(expectedReply(prompt));
    // Picked up, the reply keeps showing the answer: never an edit back to a bare "working…".
    const shown = reply!.history.map((v) => v.text ?? '');
    const firstText = shown.findIndex((t) => /alpha/.test(t));
    expect(firstText).toBeGreaterThanOrEqual(0);
    expect(shown.slice(firstText).filter((t) => !/alpha/.test(t))).toEqual([]);
    expect(notice!.text).toMatch(/^✅ Done/u);
    expect(bridge.lines.filter((l) => /rate limit hit for chat/.test(l)).length).toBeGreaterThan(0);
  });

  it('a prompt that waited while the bridge was down is held until the user taps Run', async () => {
    const { telegram } = bench;
    const stateDir = await tempDir('bridge-state-');
    const env = { BRIDGE_STALE_PROMPT_MS: '2000' };
    const first = await bridges.run({ stateDir, env });
    bridges.forget(first);
    await first.stop();
    const from = botMessages(telegram, OWNER.id).length;
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'deploy to production' });
    await new Promise((r) => setTimeout(r, 3500));
    await bridges.run({ stateDir, env });
    await telegram.waitFor(() =>
      since(from).some((m) => /waited \d+ min while the bridge was offline/.test(m.text ?? '')),
    );
    const offer = since(from).find((m) => m.replyMarkup)!;
    expect(bench.model.requests.some((r) => r.userText === 'deploy to production')).toBe(false);
    telegram.userPressesButton({
      from: OWNER,
      chatId: OWNER.id,
      messageId: offer.messageId,
      data: (offer.replyMarkup!.inline_keyboard[0]![0] as { callback_data: string }).callback_data,
    });
    await telegram.waitFor(() => noticesSince(from).length > 0, { timeoutMs: 60_000 });
    expect(since(from).some((m) => m.text === expectedReply('deploy to production'))).toBe(true);
  });
});
