// Staleness: how far the phone's text lags behind the model. The scripted model streams through
// the real OpenCode into the headless bridge and the fake Bot API (rate limits on); the model
// server records when it wrote each chunk, the fake keeps every version of the reply message with
// its time. For each chunk: the first version showing at least that much text, minus the chunk's
// time.
import { HTML_PATH, botMessages } from '../test/e2e/bench';
import { expectedReply, prompts } from '../test/support/model-server';
import { type Bench, OWNER, isNotice, shownAnswer, startBridge } from './e2e';
import { percentile } from './report';

export interface StalenessConfig {
  chars: number;
  tps: number;
}

export interface StalenessResult {
  config: StalenessConfig;
  /** From the model's first to its last chunk. */
  streamSeconds: number;
  chunks: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Chunks no version of the reply (or its continuation messages) was found to show. */
  unmatched: number;
  /** From the model's first chunk to the first text on the phone. */
  firstTextMs: number;
  /** From the model's last chunk to the complete answer on the phone. */
  completeMs: number;
  /** sendMessage + editMessageText in the chat during the turn (reply, edits, final, notice). */
  messageCalls: number;
  chatActions: number;
  rateLimited: number;
  versions: number;
  /** Versions of the live message between the placeholder and the final answer. */
  liveEdits: number;
  finalMessages: number;
  answerCorrect: boolean;
}

export async function runStaleness(b: Bench, config: StalenessConfig): Promise<StalenessResult> {
  const { telegram, model } = b;
  // Today's HTML edit path; drafts.ts measures the draft path against it.
  const bridge = await startBridge(b, { ...HTML_PATH });
  try {
    const prompt = prompts.stream(config.chars, { tps: config.tps });
    const expected = expectedReply(prompt);
    const callsBefore = telegram.calls().length;
    const hitsBefore = telegram.rateLimitHits().length;
    const lastBefore = telegram.messages(OWNER.id).at(-1)?.messageId ?? 0;
    const requestsBefore = model.requests.length;
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    const durationMs = ((config.chars / 4) * 1000) / config.tps;
    await telegram.waitFor(
      () => botMessages(telegram, OWNER.id).some((m) => m.messageId > lastBefore && isNotice(m)),
      { timeoutMs: durationMs + 120_000 },
    );
    const request = model.requests
      .slice(requestsBefore)
      .find((r) => r.kind === 'stream' && r.emitted?.length);
    const emitted = request?.emitted ?? [];
    const reply = botMessages(telegram, OWNER.id).find(
      (m) => m.messageId > lastBefore && !isNotice(m),
    );
    if (!reply || emitted.length === 0) throw new Error('staleness: no reply or no model chunks');

    // Where each version's text ends in the answer (the live message shows the answer's tail once
    // it passes 4096 characters, so match the shown text, searching forward from the last match).
    let from = 0;
    const shown: { at: number; end: number }[] = [];
    // A final answer over 4096 characters continues in further messages before the notice.
    const after = botMessages(telegram, OWNER.id).filter((m) => m.messageId > reply.messageId);
    const continuation = after.slice(
      0,
      after.findIndex((m) => isNotice(m)),
    );
    for (const v of reply.history) {
      const text = shownAnswer(v.text);
      if (!text) {
        shown.push({ at: v.at, end: 0 });
        continue;
      }
      let idx = expected.indexOf(text, from);
      if (idx < 0) idx = expected.indexOf(text);
      if (idx < 0) continue;
      from = idx;
      shown.push({ at: v.at, end: idx + text.length });
    }
    for (const m of continuation) {
      const text = (m.text ?? '').trim();
      const idx = expected.indexOf(text);
      if (idx >= 0) shown.push({ at: m.history[0]!.at, end: idx + text.length });
    }
    shown.sort((x, y) => x.at - y.at);
    const finalText = [reply.text ?? '', ...continuation.map((m) => m.text ?? '')].join('');
    const lags = emitted.map((chunk) => {
      const needed = expected.slice(0, chunk.chars).trimEnd().length;
      const first = shown.find((s) => s.end >= needed && s.at >= chunk.at - 5);
      return (first?.at ?? NaN) - chunk.at;
    });
    const calls = telegram
      .calls()
      .slice(callsBefore)
      .filter((c) => c.params['chat_id'] === OWNER.id);
    const firstChunk = emitted[0]!;
    const lastChunk = emitted.at(-1)!;
    const firstShown = shown.find((s) => s.end > 0);
    const complete = shown.find((s) => s.end >= expected.length);
    return {
      config,
      streamSeconds: (lastChunk.at - firstChunk.at) / 1000,
      chunks: emitted.length,
      p50Ms: percentile(lags, 50),
      p95Ms: percentile(lags, 95),
      maxMs: Math.max(...lags.filter(Number.isFinite)),
      unmatched: lags.filter((l) => !Number.isFinite(l)).length,
      firstTextMs: (firstShown?.at ?? NaN) - firstChunk.at,
      completeMs: (complete?.at ?? NaN) - lastChunk.at,
      messageCalls: calls.filter((c) => ['sendMessage', 'editMessageText'].includes(c.method))
        .length,
      chatActions: calls.filter((c) => c.method === 'sendChatAction').length,
      rateLimited: telegram.rateLimitHits().length - hitsBefore,
      versions: reply.history.length,
      answerCorrect: finalText.replace(/\s+/g, '') === expected.replace(/\s+/g, ''),
      finalMessages: 1 + continuation.length,
      liveEdits: reply.history.length - 2,
    };
  } finally {
    await bridge.stop();
  }
}
