// How updates are handled, end to end (real OpenCode, scripted model, fake Bot API, headless
// bridge): a first word that is not a command, a command for another bot, a prompt that reaches
// OpenCode just before the bridge is killed, stale typed answers and captions, and one chat's
// /abort while another chat is paused by a 429 storm.
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { MessageView } from '../support/fake-telegram';
import { expectedReply, prompts } from '../support/model-server';
import { HTML_PATH, OWNER, STRANGER, botMessages, tempDir, useBench, useBridges } from './bench';

vi.setConfig({ testTimeout: 150_000 });

const bench = useBench();
const bridges = useBridges(bench);
/** A second allowlisted user: a second private chat. */
const OWNER2 = { id: 4343, first_name: 'Grace', username: 'grace' };
const BOTH = { TELEGRAM_ALLOWED_USERS: `${OWNER.id},${OWNER2.id}` };

const mark = (chatId = OWNER.id): number =>
  Math.max(0, ...bench.telegram.messages(chatId).map((m) => m.messageId));
const botSince = (since: number, chatId = OWNER.id, pattern?: RegExp): MessageView[] =>
  botMessages(bench.telegram, chatId, pattern).filter((m) => m.messageId > since);
const send = (text: string, from = OWNER): number =>
  bench.telegram.userSendsText({ from, chatId: from.id, text }).message.message_id;
const waitForBot = (since: number, pattern: RegExp, chatId = OWNER.id): Promise<MessageView> =>
  bench.telegram.waitFor(() => botSince(since, chatId, pattern)[0], { timeoutMs: 90_000 });

async function sessionOfChat(stateDir: string, chatId: number): Promise<string> {
  const state = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8')) as {
    chats: Record<string, { sessionId?: string } | undefined>;
  };
  const id = state.chats[String(chatId)]?.sessionId;
  if (!id) throw new Error(`chat ${chatId} has no session`);
  return id;
}

/** The button's callback data, pressed as the user would. */
function press(message: MessageView, chatId = OWNER.id): void {
  const button = message.replyMarkup?.inline_keyboard[0]?.[0] as { callback_data: string };
  bench.telegram.userPressesButton({
    from: chatId === OWNER.id ? OWNER : OWNER2,
    chatId,
    messageId: message.messageId,
    data: button.callback_data,
  });
}

describe('what a message means', () => {
  it('a path as first word is a prompt; /cmd@otherbot gets no answer; /status@ourbot and /foo are commands', async () => {
    await bridges.run();
    const since = mark();
    const path = '/Users/me/app.ts crashes on start';
    send(path);
    await waitForBot(since, /^✅/u);
    expect(botSince(since).some((m) => m.plainText === expectedReply(path))).toBe(true);
    expect(botSince(since, OWNER.id, /Unknown command/)).toEqual([]);

    const before = mark();
    send('/cmd@otherbot do it');
    send(`/status@${bench.telegram.botUser.username}`);
    send('/foo');
    await waitForBot(before, /^Unknown command \/foo\. /);
    const answers = botSince(before).map((m) => m.text ?? '');
    // One answer for /status and one for /foo, in order; none for the other bot's command.
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/Project|Session/);
    expect(answers[1]).toMatch(/^Unknown command \/foo\./);
  });
});

describe('strangers', () => {
  it('a flood of stranger updates writes no state per update', async () => {
    const { telegram } = bench;
    const stateDir = await tempDir('bridge-state-');
    await bridges.run({ stateDir });
    // Every state write is an atomic rename onto state.json: count them.
    let writes = 0;
    const watcher = watch(stateDir, (_event, file) => {
      if (file === 'state.json') writes += 1;
    });
    try {
      let last = 0;
      for (let i = 0; i < 300; i++) {
        last = telegram.userSendsText({ from: STRANGER, chatId: STRANGER.id, text: `spam ${i}` })
          .update!.update_id;
      }
      // A long poll is logged when it ends: one more stranger message ends the one waiting.
      const consumed = () =>
        telegram.calls('getUpdates').some((c) => Number(c.params['offset']) > last);
      for (let tries = 0; !consumed() && tries < 60; tries++) {
        telegram.userSendsText({ from: STRANGER, chatId: STRANGER.id, text: 'ping' });
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(consumed()).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      watcher.close();
    }
    // At most the one lazy save of the offset, not 300.
    expect(writes).toBeLessThanOrEqual(2);
    expect(botMessages(telegram, STRANGER.id)).toEqual([]);
  });
});

describe('no prompt runs twice across a crash', () => {
  it('a bridge killed right after OpenCode took the prompt does not send it again on restart', async () => {
    const stateDir = await tempDir('bridge-state-');
    const crashing = await bridges.run({
      stateDir,
      env: { NODE_ENV: 'test', BRIDGE_TEST_CRASH_AFTER: 'prompt' },
    });
    bridges.forget(crashing);
    const since = mark();
    // Long enough to be still running when the bridge is back, so its answer is followed.
    const text = prompts.stream(1500, { tps: 50 });
    send(text);
    expect(await crashing.exited).toBe('SIGKILL');

    const restarted = await bridges.run({ stateDir });
    // The turn OpenCode runs is still followed to its end.
    await waitForBot(since, /^✅/u);
    expect(bench.model.chatRequests().filter((r) => r.userText === text)).toHaveLength(1);
    await waitForBot(since, /went to the agent before the bridge restarted/);
    expect(restarted.lines.join('\n')).toMatch(/Skipped update \d+: it was handled before/);
  });
});

describe('stale messages', () => {
  const env = { BRIDGE_STALE_PROMPT_MS: '2000' };

  it('a typed answer to an open question that waited while the bridge was down is held', async () => {
    const stateDir = await tempDir('bridge-state-');
    const first = await bridges.run({ stateDir, env });
    const since = mark();
    const text = prompts.question();
    send(text);
    const question = await waitForBot(since, /^❓/u);
    bridges.forget(first);
    await first.stop();
    send('Blue, definitely');
    await new Promise((r) => setTimeout(r, 3000));
    await bridges.run({ stateDir, env });
    const offer = await waitForBot(since, /waited \d+ min while the bridge was offline/);
    const sessionId = await sessionOfChat(stateDir, OWNER.id);
    const pending = await bench.opencode.json<Array<{ sessionID: string }>>('/question');
    expect(pending.some((q) => q.sessionID === sessionId)).toBe(true);

    press(offer);
    await bench.telegram.waitFor(
      () =>
        /✅ Answered: Blue, definitely$/u.test(
          bench.telegram.message(OWNER.id, question.messageId)?.text ?? '',
        ),
      { timeoutMs: 60_000 },
    );
    await waitForBot(since, /^✅/u);
  });

  it('a document with a caption that waited while the bridge was down is held, and goes with Run', async () => {
    const stateDir = await tempDir('bridge-state-');
    const first = await bridges.run({ stateDir, env });
    bridges.forget(first);
    await first.stop();
    const since = mark();
    const caption = 'what does this note say?';
    bench.telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: Buffer.from('the secret word is papaya\n'),
      fileName: 'note.txt',
      mime: 'text/plain',
      caption,
    });
    await new Promise((r) => setTimeout(r, 3000));
    await bridges.run({ stateDir, env });
    const offer = await waitForBot(since, /waited \d+ min while the bridge was offline/);
    expect(bench.model.chatRequests().some((r) => r.userText?.includes(caption))).toBe(false);

    press(offer);
    await waitForBot(since, /^✅/u);
    // The held document went with the caption, in one prompt.
    const history = await bench.opencode.json<
      Array<{
        info: { role: string };
        parts: Array<{ type: string; text?: string; filename?: string }>;
      }>
    >(`/session/${await sessionOfChat(stateDir, OWNER.id)}/message`);
    const user = history.filter((m) => m.info.role === 'user');
    expect(user).toHaveLength(1);
    expect(user[0]!.parts.some((p) => p.type === 'file' && p.filename === 'note.txt')).toBe(true);
    expect(user[0]!.parts.some((p) => p.text === caption)).toBe(true);
  });
});

describe('chats are handled independently', () => {
  it("one chat's /abort stops its turn within 2 s while another chat is paused by a 429 storm", async () => {
    const { telegram, opencode } = bench;
    telegram.addPrivateChat(OWNER2);
    const stateDir = await tempDir('bridge-state-');
    // The 429 storm pauses a chat's message calls: on the edit path, every turn makes some.
    await bridges.run({ stateDir, env: { ...BOTH, ...HTML_PATH } });
    const sinceA = mark(OWNER.id);
    const sinceB = mark(OWNER2.id);
    send(prompts.stream(4000, { tps: 30 }), OWNER);
    send(prompts.stream(4000, { tps: 30 }), OWNER2);
    const streaming = (chatId: number, since: number) =>
      botSince(since, chatId).some((m) => m.editCount > 0 && /alpha/.test(m.text ?? ''));
    await telegram.waitFor(() => streaming(OWNER.id, sinceA) && streaming(OWNER2.id, sinceB), {
      timeoutMs: 90_000,
    });

    // Chat A: every call gets 429 for 30 s, and a command whose answer must wait that out.
    const hits = telegram.rateLimitHits().length;
    telegram.rateLimitChat(OWNER.id, 30);
    await telegram.waitFor(() => telegram.rateLimitHits().length > hits, { timeoutMs: 10_000 });
    send('/status', OWNER);
    await new Promise((r) => setTimeout(r, 500));

    const sessionB = await sessionOfChat(stateDir, OWNER2.id);
    const started = Date.now();
    send('/abort', OWNER2);
    await waitForBot(sinceB, /^⏹ Stopping the agent/u, OWNER2.id);
    const stoppedMs = Date.now() - started;
    const status = await opencode.json<Record<string, { type: string }>>('/session/status');
    console.log(`/abort in chat B answered ${stoppedMs} ms after it was sent (chat A paused)`);
    expect(stoppedMs).toBeLessThan(2000);
    expect(status[sessionB]?.type ?? 'idle').not.toBe('busy');

    // Chat A loses nothing: its /status answer comes once the pause is over.
    await waitForBot(sinceA, /Project|Session/, OWNER.id);
    await opencode.json(`/session/${await sessionOfChat(stateDir, OWNER.id)}/abort`, {
      method: 'POST',
      body: {},
    });
  });
});
