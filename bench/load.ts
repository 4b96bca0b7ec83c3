// Load: many sessions streaming at once, one forum topic each in one group (Telegram allows 20
// messages a minute per group; the fake enforces it), while permission prompts arrive in other
// topics. Measures 429s, how long a prompt takes from OpenCode's `permission.asked` to the phone,
// and whether every final answer arrives complete.
import type { MessageView } from '../test/support/fake-telegram';
import { RATE_LIMITED_METHODS } from '../test/support/fake-telegram/methods';
import { expectedReply, prompts } from '../test/support/model-server';
import { subscribeGlobalEvents } from '../test/support/opencode';
import {
  type Bench,
  OWNER,
  type BridgeProcess,
  isNotice,
  procSample,
  sleep,
  startBridge,
} from './e2e';
import { percentile } from './report';

export interface LoadConfig {
  /** Topics whose session streams an answer. */
  streams: number;
  /** Topics whose session asks for a permission (a bash command) meanwhile. */
  approvals: number;
  chars: number;
  tps: number;
  /** Idle time measured on the same bridge after the load, in seconds. */
  idleAfterS: number;
}

export interface LoadResult {
  config: LoadConfig;
  topicsSeconds: number;
  /** From the first prompt sent to the last notice. */
  turnsSeconds: number;
  rateLimited: number;
  rateLimitHits: string[];
  groupCalls: number;
  promptLatencyMs: number[];
  promptP50Ms: number;
  promptP95Ms: number;
  promptMaxMs: number;
  answersComplete: number;
  answersExpected: number;
  /** Per-topic delay from the model's last chunk to the complete answer on the phone. */
  finalLagP50Ms: number;
  finalLagMaxMs: number;
  liveEditsPerStreamTopic: number;
  idleAfter?: { cpuPercent: number; rssMb: number };
  bridgePid: number | undefined;
}

export async function runLoad(b: Bench, config: LoadConfig): Promise<LoadResult> {
  const { telegram, model } = b;
  const groupId = telegram.addForumGroup({
    title: `Load ${Date.now()}`,
    botIsAdmin: true,
    canManageTopics: true,
  }).id;
  const asked = new Map<string, number>();
  const events = await subscribeGlobalEvents(b.opencode);
  // The predicate runs as each event arrives: note when every permission.asked was seen.
  events
    .waitFor(
      (e) => {
        const p = e.payload.properties as { metadata?: { command?: unknown } };
        if (e.payload.type === 'permission.asked' && typeof p.metadata?.command === 'string')
          asked.set(p.metadata.command, Date.now());
        return false;
      },
      { timeoutMs: 3_600_000 },
    )
    .catch(() => undefined);
  const bridge: BridgeProcess = await startBridge(b, { TELEGRAM_ALLOWED_CHATS: String(groupId) });
  try {
    const callsBefore = telegram.calls().length;
    const hitsBefore = telegram.rateLimitHits().length;
    const inTopic = (threadId: number): MessageView[] =>
      telegram.messages(groupId, threadId).filter((m) => m.fromBot);

    const topicsStart = Date.now();
    const threads: number[] = [];
    const total = config.streams + config.approvals;
    for (let i = 0; i < total; i++) {
      const name = i < config.streams ? `Stream ${i + 1}` : `Approve ${i - config.streams + 1}`;
      telegram.userSendsText({ from: OWNER, chatId: groupId, text: `/new ${name}` });
      await telegram.waitFor(() => telegram.topics(groupId).length > i, { timeoutMs: 120_000 });
      threads.push(telegram.topics(groupId).at(-1)!.threadId);
    }
    // The "new session" notes in the topics go out before the load starts.
    await telegram.waitFor(() => threads.every((t) => inTopic(t).length > 0), {
      timeoutMs: 300_000,
    });
    const topicsSeconds = (Date.now() - topicsStart) / 1000;

    const streamThreads = threads.slice(0, config.streams);
    const approvalThreads = threads.slice(config.streams);
    const asks = streamThreads.map((_, i) =>
      prompts.stream(config.chars + i * 10, { tps: config.tps }),
    );
    const requestsBefore = model.requests.length;
    const turnsStart = Date.now();
    streamThreads.forEach((threadId, i) =>
      telegram.userSendsText({ from: OWNER, chatId: groupId, threadId, text: asks[i]! }),
    );
    // Prompts arrive while the streams run, a couple of seconds apart.
    const commands = approvalThreads.map((_, i) => `echo n${i + 1}`);
    const shownAt = new Map<string, number>();
    const pressing = (async () => {
      for (const [i, threadId] of approvalThreads.entries()) {
        await sleep(i === 0 ? 3000 : 2000);
        telegram.userSendsText({
          from: OWNER,
          chatId: groupId,
          threadId,
          text: prompts.bash(commands[i]!),
        });
      }
      await Promise.all(
        approvalThreads.map(async (threadId, i) => {
          const prompt = await telegram.waitFor(
            () =>
              inTopic(threadId).find((m) =>
                (m.replyMarkup?.inline_keyboard ?? []).flat().some((x) => x.text.includes('Once')),
              ),
            { timeoutMs: 600_000 },
          );
          shownAt.set(commands[i]!, prompt.history[0]!.at);
          const button = (prompt.replyMarkup?.inline_keyboard ?? [])
            .flat()
            .find((x) => x.text.includes('Once'));
          const data = button && 'callback_data' in button ? (button.callback_data ?? '') : '';
          telegram.userPressesButton({
            from: OWNER,
            chatId: groupId,
            messageId: prompt.messageId,
            data,
          });
        }),
      );
    })();
    await pressing;
    await telegram.waitFor(() => threads.every((t) => inTopic(t).some(isNotice)), {
      timeoutMs: 900_000,
    });
    const turnsSeconds = (Date.now() - turnsStart) / 1000;

    let complete = 0;
    const finalLags: number[] = [];
    const liveEdits: number[] = [];
    streamThreads.forEach((threadId, i) => {
      const expected = expectedReply(asks[i]!);
      const reply = inTopic(threadId).find((m) => m.plainText === expected);
      if (reply) complete++;
      const request = model.requests
        .slice(requestsBefore)
        .find((r) => r.kind === 'stream' && r.userText?.includes(asks[i]!) && r.emitted?.length);
      const last = request?.emitted?.at(-1);
      const done = reply?.history.find((v) => (v.rich?.plainText ?? v.text) === expected);
      if (last && done) finalLags.push(done.at - last.at);
      if (reply) liveEdits.push(reply.history.length - 1);
    });
    approvalThreads.forEach((threadId, i) => {
      // The final answer starts with the tool line ("🔧 ran echo n1"), then the model's text.
      const expected = expectedReply(prompts.bash(commands[i]!));
      if (
        inTopic(threadId).some(
          (m) => m.plainText === expected || m.plainText.endsWith(`\n\n${expected}`),
        )
      )
        complete++;
    });
    const latencies = commands
      .map((c) => (shownAt.get(c) ?? NaN) - (asked.get(c) ?? NaN))
      .filter(Number.isFinite);
    const groupCalls = telegram
      .calls()
      .slice(callsBefore)
      .filter((c) => c.params['chat_id'] === groupId && RATE_LIMITED_METHODS.has(c.method)).length;
    const result: LoadResult = {
      config,
      topicsSeconds,
      turnsSeconds,
      rateLimited: telegram.rateLimitHits().length - hitsBefore,
      rateLimitHits: telegram
        .rateLimitHits()
        .slice(hitsBefore)
        .map((h) => {
          // What the outbox had sent to that chat in the 60 s before, as the fake saw it.
          const recent = telegram
            .calls()
            .filter(
              (c) =>
                c.params['chat_id'] === h.chatId &&
                c.method !== 'sendChatAction' &&
                c.at > h.at - 60_000 &&
                c.at < h.at,
            );
          return `${h.method} in ${h.chatId === groupId ? 'the group' : String(h.chatId)} after ${recent.length} calls in 60 s (oldest ${recent[0] ? h.at - recent[0].at : '-'} ms before)`;
        }),
      groupCalls,
      promptLatencyMs: latencies,
      promptP50Ms: percentile(latencies, 50),
      promptP95Ms: percentile(latencies, 95),
      promptMaxMs: Math.max(...latencies),
      answersComplete: complete,
      answersExpected: total,
      finalLagP50Ms: percentile(finalLags, 50),
      finalLagMaxMs: Math.max(...finalLags),
      liveEditsPerStreamTopic: liveEdits.reduce((a, n) => a + n, 0) / Math.max(1, liveEdits.length),
      bridgePid: bridge.child.pid,
    };
    if (config.idleAfterS > 0 && bridge.child.pid !== undefined) {
      // The same process, now idle again: does it give back what the load took?
      await sleep(3000);
      const pid = bridge.child.pid;
      const a = await procSample(pid);
      const t = Date.now();
      await sleep(config.idleAfterS * 1000);
      const z = await procSample(pid);
      result.idleAfter = {
        cpuPercent: ((z.ticks - a.ticks) / 100 / ((Date.now() - t) / 1000)) * 100,
        rssMb: z.rssKb / 1024,
      };
    }
    return result;
  } finally {
    events.close();
    await bridge.stop();
  }
}
