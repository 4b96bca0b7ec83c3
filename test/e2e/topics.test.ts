// Issue 5: one forum topic per session in a group; parallel sessions stream into their topics with
// no 429 (Telegram's group limit is 20 messages a minute), every final answer complete.
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../support/fake-telegram';
import { RATE_LIMITED_METHODS } from '../support/fake-telegram/methods';
import { DEFAULT_TITLE, expectedReply, prompts } from '../support/model-server';
import { OWNER, useBench, useBridges } from './bench';

const bench = useBench();
const bridges = useBridges(bench);
let groupId: number;
/** The group of the test must be on TELEGRAM_ALLOWED_CHATS, or the bot leaves it. */
const allowed = () => ({ TELEGRAM_ALLOWED_CHATS: String(groupId) });

beforeAll(() => {
  groupId = bench.telegram.addForumGroup({
    title: 'Work',
    botIsAdmin: true,
    canManageTopics: true,
  }).id;
});

const inTopic = (threadId: number): MessageView[] =>
  bench.telegram.messages(groupId, threadId).filter((m) => m.fromBot);
const notices = (threadId: number) =>
  inTopic(threadId).filter((m) => /^(✅|⚠️|⏹)/u.test(m.text ?? ''));

async function newTopic(title: string): Promise<number> {
  const { telegram } = bench;
  const before = telegram.topics(groupId).length;
  telegram.userSendsText({ from: OWNER, chatId: groupId, text: `/new ${title}` });
  await telegram.waitFor(() => telegram.topics(groupId).length > before, { timeoutMs: 30_000 });
  const topic = telegram.topics(groupId).at(-1)!;
  expect(topic.name).toBe(title);
  return topic.threadId;
}

describe('forum topics', () => {
  it('three sessions stream at once in three topics: no 429, every answer complete and in its topic', async () => {
    const { telegram } = bench;
    await bridges.run({ env: allowed() });
    const topics = [
      await newTopic('Fix tests'),
      await newTopic('Write docs'),
      await newTopic('Refactor'),
    ];
    const asks = topics.map((_, i) => prompts.stream(600 + i * 200, { tps: 40 }));
    topics.forEach((threadId, i) =>
      telegram.userSendsText({ from: OWNER, chatId: groupId, threadId, text: asks[i]! }),
    );
    await telegram.waitFor(() => topics.every((t) => notices(t).length > 0), {
      timeoutMs: 150_000,
    });
    topics.forEach((threadId, i) => {
      const replies = inTopic(threadId).filter((m) => m.plainText === expectedReply(asks[i]!));
      expect(replies, `topic ${threadId}`).toHaveLength(1);
      expect(notices(threadId)[0]!.text).toMatch(/^✅ Done/u);
    });
    expect(telegram.rateLimitHits()).toEqual([]);
    // Nothing leaked into General.
    expect(telegram.messages(groupId).filter((m) => m.fromBot && m.threadId === undefined)).toEqual(
      [],
    );
  }, 200_000);

  it('a topic is renamed when OpenCode retitles its session', async () => {
    const { telegram } = bench;
    // A group of its own: the test above used up this minute's group budget of 20 messages.
    groupId = telegram.addForumGroup({ title: 'Side', botIsAdmin: true, canManageTopics: true }).id;
    await bridges.run({ env: allowed() });
    const before = telegram.topics(groupId).length;
    telegram.userSendsText({ from: OWNER, chatId: groupId, text: '/new' });
    await telegram.waitFor(() => telegram.topics(groupId).length > before, { timeoutMs: 30_000 });
    const topic = telegram.topics(groupId).at(-1)!;
    expect(topic.name).toMatch(/^New session/);
    telegram.userSendsText({
      from: OWNER,
      chatId: groupId,
      threadId: topic.threadId,
      text: 'name this session',
    });
    await telegram.waitFor(
      () =>
        telegram.topics(groupId).find((t) => t.threadId === topic.threadId)?.name === DEFAULT_TITLE,
      { timeoutMs: 90_000 },
    );
  });
});

describe('forum topics, rich answers', () => {
  it('a 12,000-character answer in a topic is one rich message, edited in place', async () => {
    const { telegram } = bench;
    groupId = telegram.addForumGroup({ title: 'Rich', botIsAdmin: true, canManageTopics: true }).id;
    await bridges.run({ env: allowed() });
    const threadId = await newTopic('Long answer');
    const ask = prompts.stream(12_000, { tps: 400 });
    telegram.userSendsText({ from: OWNER, chatId: groupId, threadId, text: ask });
    await telegram.waitFor(() => notices(threadId).length > 0, { timeoutMs: 90_000 });
    const answers = inTopic(threadId).filter((m) => !/^(✅|⚠️|⏹|🆕)/u.test(m.plainText));
    expect(answers).toHaveLength(1);
    expect(answers[0]!.rich).toBeDefined();
    expect(answers[0]!.plainText.replace(/\s+/g, ' ')).toBe(
      expectedReply(ask).replace(/\s+/g, ' '),
    );
    // No draft outside private chats.
    expect(telegram.calls((c) => /Draft$/.test(c.method))).toEqual([]);
    expect(telegram.rateLimitHits()).toEqual([]);
  });
});

describe('forum topics, sessions from the desk', () => {
  it('/sessions in General opens a session started at the desk in a topic of its own', async () => {
    const { telegram, opencode } = bench;
    groupId = telegram.addForumGroup({ title: 'Desk', botIsAdmin: true, canManageTopics: true }).id;
    await bridges.run({ env: allowed() });
    // At the desk: a session with a finished turn.
    const desk = await opencode.json<{ id: string }>(
      `/session?directory=${encodeURIComponent(opencode.dirs.project)}`,
      { method: 'POST', body: { title: 'Desk work' } },
    );
    await opencode.fetch(`/session/${desk.id}/prompt_async`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parts: [{ type: 'text', text: 'started at the desk' }] }),
    });
    await waitIdle(desk.id);

    telegram.userSendsText({ from: OWNER, chatId: groupId, text: '/sessions' });
    await telegram.waitFor(
      () => telegram.messages(groupId).some((m) => m.fromBot && m.replyMarkup),
      { timeoutMs: 30_000 },
    );
    const list = telegram.messages(groupId).find((m) => m.fromBot && m.replyMarkup)!;
    const button = list
      .replyMarkup!.inline_keyboard.flat()
      .find((b) => b.text.includes('Desk work')) as {
      callback_data: string;
    };
    telegram.userPressesButton({
      from: OWNER,
      chatId: groupId,
      messageId: list.messageId,
      data: button.callback_data,
    });
    await telegram.waitFor(() => telegram.topics(groupId).some((t) => t.name === 'Desk work'), {
      timeoutMs: 30_000,
    });
    const topic = telegram.topics(groupId).find((t) => t.name === 'Desk work')!;
    await telegram.waitFor(
      () =>
        inTopic(topic.threadId).some((m) => m.text?.includes(expectedReply('started at the desk'))),
      {
        timeoutMs: 30_000,
      },
    );
    // Messages in the topic continue that session.
    telegram.userSendsText({
      from: OWNER,
      chatId: groupId,
      threadId: topic.threadId,
      text: 'continued from the phone',
    });
    await telegram.waitFor(() => notices(topic.threadId).length > 0, { timeoutMs: 60_000 });
    const history = await opencode.json<
      Array<{ info: { role: string }; parts: Array<{ type: string; text?: string }> }>
    >(`/session/${desk.id}/message`);
    const texts = history
      .filter((m) => m.info.role === 'user')
      .flatMap((m) => m.parts.map((p) => p.text));
    expect(texts).toEqual(['started at the desk', 'continued from the phone']);
  }, 150_000);
});

describe('a busy forum', () => {
  it('two topics streaming at once: each final answer and its notice arrive within 2 s of the turn’s end', async () => {
    const { telegram, model } = bench;
    groupId = telegram.addForumGroup({ title: 'Busy', botIsAdmin: true, canManageTopics: true }).id;
    // Groups are allowlisted where TELEGRAM_ALLOWED_CHATS exists; harmless where it does not.
    await bridges.run({ env: { TELEGRAM_ALLOWED_CHATS: String(groupId) } });
    const topics = [await newTopic('Long one'), await newTopic('Longer one')];
    // Slow streams (~50 s and ~65 s) keep both topics editing past a whole group minute, and end
    // 15 s apart; each answer fits one message, so its end costs one edit and one notice.
    const asks = [prompts.stream(2000, { tps: 10 }), prompts.stream(2600, { tps: 10 })];
    topics.forEach((threadId, i) =>
      telegram.userSendsText({ from: OWNER, chatId: groupId, threadId, text: asks[i]! }),
    );
    await telegram.waitFor(() => topics.every((t) => notices(t).length > 0), {
      timeoutMs: 150_000,
    });
    const messageCalls = telegram.calls(
      (c) => c.ok && c.params['chat_id'] === groupId && RATE_LIMITED_METHODS.has(c.method),
    );
    topics.forEach((threadId, i) => {
      const ask = asks[i]!;
      const streamedUntil = model
        .chatRequests()
        .find((r) => r.userText === ask)!
        .emitted!.at(-1)!.at;
      const reply = inTopic(threadId).find((m) => m.plainText === expectedReply(ask))!;
      const answeredAt = reply.history.find(
        (v) => (v.rich?.plainText ?? v.text) === expectedReply(ask),
      )!.at;
      const noticedAt = notices(threadId)[0]!.history[0]!.at;
      // The streaming edits did go on: the text grew while the model wrote, not just at the end.
      expect(reply.editCount, `topic ${threadId}`).toBeGreaterThan(3);
      const inLastMinute = messageCalls.filter(
        (c) => c.at > streamedUntil - 60_000 && c.at <= streamedUntil,
      ).length;
      expect(inLastMinute, `topic ${threadId}: Telegram's count`).toBeLessThan(20);
      expect(answeredAt - streamedUntil, `topic ${threadId}: final text`).toBeLessThanOrEqual(2000);
      expect(noticedAt - streamedUntil, `topic ${threadId}: notice`).toBeLessThanOrEqual(2000);
    });
    expect(telegram.rateLimitHits()).toEqual([]);
  }, 200_000);
});

async function waitIdle(sessionId: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  // Busy sessions are listed in /session/status; give the turn a moment to start first.
  await new Promise((r) => setTimeout(r, 1000));
  while (Date.now() < deadline) {
    const status = await bench.opencode.json<Record<string, unknown>>('/session/status');
    const messages = await bench.opencode.json<Array<{ info: { role: string } }>>(
      `/session/${sessionId}/message`,
    );
    if (!status[sessionId] && messages.some((m) => m.info.role === 'assistant')) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('the desk turn did not finish');
}
