// Issue 5: one forum topic per session in a group; parallel sessions stream into their topics with
// no 429 (Telegram's group limit is 20 messages a minute), every final answer complete.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeProcess } from '../support/bridge-process';
import type { MessageView } from '../support/fake-telegram';
import { DEFAULT_TITLE, expectedReply, prompts } from '../support/model-server';
import type { Bench } from './bench';
import { OWNER, bridgeEnv, startBench, startConnectedBridge, tempDir } from './bench';

let bench: Bench;
let groupId: number;
const bridges: BridgeProcess[] = [];

beforeAll(async () => {
  bench = await startBench();
  groupId = bench.telegram.addForumGroup({
    title: 'Work',
    botIsAdmin: true,
    canManageTopics: true,
  }).id;
}, 120_000);
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});
afterAll(async () => bench?.close());

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
    await run(bridgeEnv(bench, await tempDir('bridge-state-')));
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
      const replies = inTopic(threadId).filter((m) => m.text === expectedReply(asks[i]!));
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
    await run(bridgeEnv(bench, await tempDir('bridge-state-')));
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

async function run(env: Record<string, string>): Promise<BridgeProcess> {
  const bridge = await startConnectedBridge(env);
  bridges.push(bridge);
  return bridge;
}
