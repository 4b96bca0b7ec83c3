// A private chat as a workspace of parallel sessions (Bot API 9.3/9.4 topics in private chats):
// with the bot in topic mode, /new opens a topic bound to a new session, a topic the user creates
// starts one of its own, topics stream their drafts side by side and follow OpenCode's retitling.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../support/fake-telegram';
import { DEFAULT_TITLE, expectedReply, prompts } from '../support/model-server';
import { OWNER, useBench, useBridges } from './bench';

const bench = useBench();
const bridges = useBridges(bench);
const TEST_MS = 150_000;

beforeAll(() => bench.telegram.setPrivateTopicMode({ enabled: true, usersCanCreate: true }));

const inTopic = (threadId: number): MessageView[] =>
  bench.telegram.messages(OWNER.id, threadId).filter((m) => m.fromBot);
const noticeIn = (threadId: number) =>
  inTopic(threadId).find((m) => /^(✅|⚠️|⏹)/u.test(m.text ?? ''));

async function sessionIn(stateDir: string, threadId: number): Promise<string | undefined> {
  const state = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8')) as {
    chats: Record<string, { sessionId?: string } | undefined>;
  };
  return state.chats[`${OWNER.id}:${threadId}`]?.sessionId;
}

async function newTopic(text: string): Promise<number> {
  const { telegram } = bench;
  const before = telegram.topics(OWNER.id).length;
  telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
  await telegram.waitFor(() => telegram.topics(OWNER.id).length > before, { timeoutMs: 30_000 });
  const topic = telegram.topics(OWNER.id).at(-1)!;
  await telegram.waitFor(() => inTopic(topic.threadId).some((m) => /^🆕/u.test(m.text ?? '')));
  return topic.threadId;
}

describe('topics in the private chat', { timeout: TEST_MS }, () => {
  it('/new opens topics bound to new sessions, and two topics stream their drafts in parallel', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const hits = telegram.rateLimitHits().length;
    const a = await newTopic('/new Alpha');
    const b = await newTopic('/new Beta');
    expect(telegram.topics(OWNER.id).map((t) => t.name)).toEqual(
      expect.arrayContaining(['Alpha', 'Beta']),
    );
    const [sa, sb] = [await sessionIn(bridge.stateDir, a), await sessionIn(bridge.stateDir, b)];
    expect(sa).toBeDefined();
    expect(sb).toBeDefined();
    expect(sa).not.toBe(sb);

    const asks = [prompts.stream(2400, { tps: 60 }), prompts.stream(2000, { tps: 60 })];
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, threadId: a, text: asks[0]! });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, threadId: b, text: asks[1]! });
    // Both drafts on screen at the same moment, each in its own topic.
    await telegram.waitFor(
      () =>
        telegram.drafts(OWNER.id, a).some((d) => d.text.length > 50) &&
        telegram.drafts(OWNER.id, b).some((d) => d.text.length > 50),
      { timeoutMs: 60_000 },
    );
    await telegram.waitFor(() => noticeIn(a) && noticeIn(b), { timeoutMs: 90_000 });
    [a, b].forEach((threadId, i) => {
      const answers = inTopic(threadId).filter((m) => m.rich);
      expect(answers, `topic ${threadId}`).toHaveLength(1);
      expect(answers[0]!.plainText.replace(/\s+/g, ' ')).toBe(
        expectedReply(asks[i]!).replace(/\s+/g, ' '),
      );
    });
    // Nothing went to the chat outside the topics, and no draft was refused for its pace.
    expect(telegram.messages(OWNER.id).filter((m) => m.threadId === undefined)).toEqual([]);
    expect(telegram.rateLimitHits().length - hits).toBe(0);
  });

  it('a topic the user creates starts a session of its own there', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const { threadId } = telegram.userCreatesTopic({
      from: OWNER,
      chatId: OWNER.id,
      name: 'Side quest',
    });
    await telegram.waitFor(() => inTopic(threadId).some((m) => /^🆕/u.test(m.text ?? '')), {
      timeoutMs: 30_000,
    });
    expect(await sessionIn(bridge.stateDir, threadId)).toBeDefined();
    telegram.userSendsText({
      from: OWNER,
      chatId: OWNER.id,
      threadId,
      text: prompts.say('hi there'),
    });
    await telegram.waitFor(() => noticeIn(threadId), { timeoutMs: 60_000 });
    expect(inTopic(threadId).some((m) => m.plainText === 'hi there')).toBe(true);
  });

  it('a topic is renamed when OpenCode retitles its session', async () => {
    const { telegram } = bench;
    await bridges.run();
    const threadId = await newTopic('/new');
    expect(telegram.topics(OWNER.id).find((t) => t.threadId === threadId)?.name).toMatch(
      /^New session/,
    );
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, threadId, text: 'name this session' });
    await telegram.waitFor(
      () => telegram.topics(OWNER.id).find((t) => t.threadId === threadId)?.name === DEFAULT_TITLE,
      { timeoutMs: 90_000 },
    );
  });
});
