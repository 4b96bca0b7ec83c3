// A private chat's turn as a streaming draft, end to end (real OpenCode, scripted model, fake Bot
// API with its draft rate limit): growing drafts with a Stop button, one rich message at the end,
// Stop that aborts the turn, prompts that do not hide the draft, and the old-server fallback.
import { describe, expect, it } from 'vitest';
import { DRAFT_TTL_MS, type MessageView } from '../support/fake-telegram';
import { REASONED_REPLY, expectedReply, prompts } from '../support/model-server';
import { OWNER, botMessages, sessionOf, tempDir, useBench, useBridges } from './bench';

const bench = useBench();
const bridges = useBridges(bench);
const TEST_MS = 120_000;

const NOTICE = /^(✅ Done|⚠️ Failed|⚠️ Interrupted|⏹ Stopped)/u;
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

function since(first: number): () => MessageView[] {
  return () => botMessages(bench.telegram, OWNER.id).filter((m) => m.messageId > first);
}

const lastId = (): number => botMessages(bench.telegram, OWNER.id).at(-1)?.messageId ?? 0;

async function noticeAfter(first: number, timeoutMs = 90_000): Promise<MessageView> {
  return bench.telegram.waitFor(() => since(first)().find((m) => NOTICE.test(m.text ?? '')), {
    timeoutMs,
  });
}

async function idle(sessionId: string): Promise<boolean> {
  const status = await bench.opencode.json<Record<string, unknown>>('/session/status');
  return status[sessionId] === undefined;
}

describe('a private chat streams drafts', { timeout: TEST_MS }, () => {
  it('a long answer arrives as growing drafts and ends as one rich message with the whole text', async () => {
    const { telegram } = bench;
    await bridges.run();
    const first = lastId();
    const draftsBefore = telegram.draftHistory(OWNER.id).length;
    const hitsBefore = telegram.rateLimitHits().length;
    const text = prompts.stream(12_000, { tps: 400 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
    const notice = await noticeAfter(first);
    const answers = since(first)().filter((m) => m.messageId < notice.messageId);
    expect(answers).toHaveLength(1);
    const answer = answers[0]!;
    expect(answer.rich).toBeDefined();
    expect(squash(answer.plainText)).toBe(squash(expectedReply(text)));
    const [draft, ...others] = telegram.draftHistory(OWNER.id).slice(draftsBefore);
    expect(others).toEqual([]);
    expect(draft!.state).toBe('cleared');
    const shown = draft!.history.filter((h) => h.shown);
    expect(shown.every((h) => h.method === 'sendRichMessageDraft' && h.canStop)).toBe(true);
    // Growing: many updates, each showing at least as much as the one before.
    const lengths = shown.map((h) => h.text.length);
    expect(lengths.length).toBeGreaterThan(5);
    expect(lengths.slice(1).every((n, i) => n >= lengths[i]! - 50)).toBe(true);
    expect(telegram.rateLimitHits().length - hitsBefore).toBe(0);
  });

  it('Stop aborts the turn within a second and keeps the partial answer, marked stopped', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const first = lastId();
    telegram.userSendsText({
      from: OWNER,
      chatId: OWNER.id,
      text: prompts.stream(8000, { tps: 40 }),
    });
    const draft = await telegram.waitFor(
      () => telegram.drafts(OWNER.id).find((d) => d.text.length > 200),
      { timeoutMs: 60_000 },
    );
    const sessionId = await sessionOf(bridge.stateDir);
    expect(await idle(sessionId)).toBe(false);
    const pressed = Date.now();
    telegram.userPressesStop(OWNER.id, undefined, draft.draftId);
    while (!(await idle(sessionId))) {
      if (Date.now() - pressed > 5000) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(Date.now() - pressed).toBeLessThan(1000);
    const notice = await noticeAfter(first);
    expect(notice.text).toMatch(/^⏹ Stopped/u);
    const kept = since(first)().filter((m) => m.messageId < notice.messageId);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.plainText).toContain(draft.text.slice(0, 100));
    expect(kept[0]!.plainText).toMatch(
      /⏹ Stopped: the answer above is as far as the agent got\.$/u,
    );
  });

  it('a question arriving while the draft streams is shown, and the draft comes back below it', async () => {
    const { telegram } = bench;
    await bridges.run();
    const first = lastId();
    const text = prompts.question();
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
    const question = await telegram.waitFor(
      () => since(first)().find((m) => /^❓/u.test(m.text ?? '')),
      {
        timeoutMs: 60_000,
      },
    );
    // The question's message cleared the draft: it is sent again right after.
    const asked = question.history[0]!.at;
    const back = await telegram.waitFor(() =>
      telegram.drafts(OWNER.id).find((d) => d.updatedAt >= asked && /asked you/.test(d.text)),
    );
    expect(back.canStop).toBe(true);
    const button = question.replyMarkup?.inline_keyboard.flat().find((b) => b.text === 'Blue');
    telegram.userPressesButton({
      from: OWNER,
      chatId: OWNER.id,
      messageId: question.messageId,
      data: button && 'callback_data' in button ? (button.callback_data ?? '') : '',
    });
    const notice = await noticeAfter(first);
    const answer = since(first)().find((m) => m.messageId < notice.messageId && m.rich);
    expect(answer?.plainText).toContain(expectedReply(text, { answers: [['Blue']] }));
  });

  it('a prompt sent while the draft streams is queued, said so, and the draft stays', async () => {
    const { telegram } = bench;
    await bridges.run();
    const first = lastId();
    telegram.userSendsText({
      from: OWNER,
      chatId: OWNER.id,
      text: prompts.stream(3000, { tps: 60 }),
    });
    await telegram.waitFor(() => telegram.drafts(OWNER.id).find((d) => d.text.length > 100), {
      timeoutMs: 60_000,
    });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompts.say('second answer') });
    const queued = await telegram.waitFor(() =>
      since(first)().find((m) => /^📥 Queued/u.test(m.text ?? '')),
    );
    const at = queued.history[0]!.at;
    await telegram.waitFor(() =>
      telegram.drafts(OWNER.id).find((d) => d.updatedAt >= at && d.text.length > 100),
    );
    await telegram.waitFor(() => since(first)().some((m) => m.plainText === 'second answer'), {
      timeoutMs: 60_000,
    });
  });

  it('a bridge killed mid-draft is restarted, goes on under the same draft and loses nothing', async () => {
    const { telegram, model } = bench;
    const stateDir = await tempDir('bridge-state-');
    const first = await bridges.run({ stateDir });
    const from = lastId();
    const text = prompts.stream(1500, { tps: 50 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
    const draft = await telegram.waitFor(
      () => telegram.drafts(OWNER.id).find((d) => /alpha/.test(d.text)),
      { timeoutMs: 60_000 },
    );
    await first.kill9();
    bridges.forget(first);
    const second = await bridges.run({ stateDir });
    await second.waitForLine(/Picking up the turn in session/);
    const notice = await noticeAfter(from);
    expect(notice.text).toMatch(/^✅ Done/u);
    const answers = since(from)().filter((m) => m.messageId < notice.messageId);
    expect(answers).toHaveLength(1);
    expect(squash(answers[0]!.plainText)).toBe(squash(expectedReply(text)));
    // The draft never fell back to less than it showed: a part under way at the restart is
    // stored by OpenCode only when it ends, and until then the draft keeps what it showed.
    const after = telegram
      .draftHistory(OWNER.id)
      .flatMap((d) => d.history)
      .filter((h) => h.at > draft.updatedAt && h.shown);
    expect(after.every((h) => h.text.length >= draft.text.length)).toBe(true);
    expect(model.chatRequests().filter((r) => r.userText === text)).toHaveLength(1);
  });

  it('with /reasoning on, the kept answer folds the reasoning away under its answer', async () => {
    // (The scripted model reasons and answers within milliseconds, too fast for a draft to catch
    // the reasoning alone; test/core/render-rich.test.ts shows it in a draft's thinking block.)
    const { telegram } = bench;
    await bridges.run();
    let first = lastId();
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/reasoning on' });
    await telegram.waitFor(() =>
      since(first)().some((m) => /Reasoning is shown/.test(m.plainText)),
    );
    first = lastId();
    const thought = 'Weighing option A against option B';
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompts.reason(thought) });
    const notice = await noticeAfter(first);
    const answer = since(first)().find((m) => m.messageId < notice.messageId && m.rich);
    expect(answer?.plainText).toBe(`💭 Reasoning\n${thought}\n\n${REASONED_REPLY}`);
    expect(answer?.rich?.blocks[0]).toMatchObject({ type: 'details', summary: '💭 Reasoning' });
  });

  it('a draft left waiting on a permission is sent again before it expires', async () => {
    const { telegram } = bench;
    await bridges.run();
    const first = lastId();
    const command = 'echo waiting-for-you';
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompts.bash(command) });
    const permission = await telegram.waitFor(
      () => since(first)().find((m) => m.replyMarkup?.inline_keyboard.length),
      { timeoutMs: 60_000 },
    );
    const askedAt = permission.history[0]!.at;
    // Past a draft's 30 s life with nothing new from the agent: the tool line is still shown.
    await new Promise((resolve) => setTimeout(resolve, DRAFT_TTL_MS + 3000));
    const shown = telegram.drafts(OWNER.id);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text).toContain(`ran ${command}`);
    expect(shown[0]!.updatedAt).toBeGreaterThan(askedAt + 10_000);
    const once = permission.replyMarkup!.inline_keyboard.flat().find((b) => b.text === '✅ Once');
    telegram.userPressesButton({
      from: OWNER,
      chatId: OWNER.id,
      messageId: permission.messageId,
      data: once && 'callback_data' in once ? (once.callback_data ?? '') : '',
    });
    await noticeAfter(permission.messageId);
  });

  it('a draft answered 429 waits retry_after and goes on as a draft', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const first = lastId();
    const callsBefore = telegram.calls().length;
    telegram.failNext('sendRichMessageDraft', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    });
    const text = prompts.stream(1500, { tps: 200 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
    const notice = await noticeAfter(first);
    expect(notice.text).toMatch(/^✅ Done/u);
    const drafts = telegram
      .calls()
      .slice(callsBefore)
      .filter((c) => c.method === 'sendRichMessageDraft');
    const refused = drafts.findIndex((c) => c.errorCode === 429);
    expect(refused).toBeGreaterThanOrEqual(0);
    const next = drafts[refused + 1]!;
    expect(next.ok).toBe(true);
    expect(next.at - drafts[refused]!.at).toBeGreaterThanOrEqual(1000);
    const answer = since(first)().filter((m) => m.messageId < notice.messageId);
    expect(answer).toHaveLength(1);
    expect(squash(answer[0]!.plainText)).toBe(squash(expectedReply(text)));
    expect(bridge.lines.filter((l) => /HTML path/.test(l))).toEqual([]);
  });

  it('BRIDGE_RICH=off streams HTML drafts and ends in HTML messages', async () => {
    const { telegram } = bench;
    await bridges.run({ env: { BRIDGE_RICH: 'off' } });
    const first = lastId();
    const draftsBefore = telegram.draftHistory(OWNER.id).length;
    const text = prompts.stream(6000, { tps: 400 });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
    const notice = await noticeAfter(first);
    const replies = since(first)().filter((m) => m.messageId < notice.messageId);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(replies.every((m) => m.rich === undefined && m.html !== undefined)).toBe(true);
    expect(squash(replies.map((m) => m.text ?? '').join(' '))).toBe(squash(expectedReply(text)));
    const drafts = telegram.draftHistory(OWNER.id).slice(draftsBefore);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.history.every((h) => h.method === 'sendMessageDraft')).toBe(true);
  });

  it('an old Bot API server without drafts or rich messages gets the HTML edit path', async () => {
    const { telegram } = bench;
    telegram.setLegacyServer(true);
    try {
      const bridge = await bridges.run();
      const first = lastId();
      const text = prompts.stream(6000, { tps: 400 });
      telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
      const notice = await noticeAfter(first);
      const replies = since(first)().filter((m) => m.messageId < notice.messageId);
      expect(replies.length).toBeGreaterThanOrEqual(2);
      expect(replies.every((m) => m.rich === undefined && m.html !== undefined)).toBe(true);
      expect(squash(replies.map((m) => m.text ?? '').join(' '))).toBe(squash(expectedReply(text)));
      expect(bridge.lines.filter((l) => /no streaming drafts/.test(l))).toHaveLength(1);
      expect(bridge.lines.filter((l) => /no rich messages/.test(l))).toHaveLength(1);
    } finally {
      telegram.setLegacyServer(false);
    }
  });
});
