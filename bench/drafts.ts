// Drafts against edits, in a private chat: the same answer streamed into the headless bridge on its
// default path (a rich draft, then one rich message) and on the HTML edit path. Measures how far
// the phone lags behind the model (every draft update and message version, with its time, from
// the fake), the message calls of the turn, 429s, how soon the whole answer is visible after the
// model's last token, Stop → OpenCode idle, and permission.asked → the buttons on the phone.
import type { FakeTelegram, MessageView } from '../test/support/fake-telegram';
import { HTML_PATH } from '../test/e2e/bench';
import { expectedReply, prompts } from '../test/support/model-server';
import { subscribeGlobalEvents } from '../test/support/opencode';
import { type Bench, OWNER, isNotice, shownAnswer, sleep, startBridge } from './e2e';
import { percentile } from './report';

export type DeliveryPath = 'draft' | 'edit';

export interface PathResult {
  path: DeliveryPath;
  p50Ms: number;
  p95Ms: number;
  /** Model's last chunk → the whole answer on the phone (a draft or a message showing all of it). */
  completeMs: number;
  /** sendMessage, sendRichMessage and editMessageText in the chat during the turn. */
  messageCalls: number;
  draftCalls: number;
  rateLimited: number;
  answerMessages: number;
  answerCorrect: boolean;
}

const MESSAGE_METHODS = ['sendMessage', 'sendRichMessage', 'editMessageText'];
const resultId = (c: { result: unknown }): number | undefined =>
  (c.result as { message_id?: number } | undefined)?.message_id;
const squash = (s: string): string => s.replace(/\s+/g, '');

/** Every moment the phone showed some of the answer: draft updates and message versions. */
function shownVersions(telegram: FakeTelegram, first: number, since: number) {
  const out: { at: number; text: string }[] = [];
  for (const d of telegram.draftHistory(OWNER.id))
    for (const h of d.history) if (h.shown && h.at >= since) out.push({ at: h.at, text: h.text });
  for (const m of telegram.messages(OWNER.id))
    if (m.messageId > first && !isNotice(m))
      for (const v of m.history) out.push({ at: v.at, text: v.rich?.plainText ?? v.text ?? '' });
  return out.sort((a, b) => a.at - b.at);
}

export async function runPath(
  b: Bench,
  path: DeliveryPath,
  config: { chars: number; tps: number },
): Promise<PathResult> {
  const { telegram, model } = b;
  const bridge = await startBridge(b, path === 'edit' ? { ...HTML_PATH } : {});
  try {
    const prompt = prompts.stream(config.chars, { tps: config.tps });
    const expected = expectedReply(prompt);
    const callsBefore = telegram.calls().length;
    const hitsBefore = telegram.rateLimitHits().length;
    const first = telegram.messages(OWNER.id).at(-1)?.messageId ?? 0;
    const requestsBefore = model.requests.length;
    const since = Date.now();
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompt });
    const durationMs = ((config.chars / 4) * 1000) / config.tps;
    const notice = await telegram.waitFor(
      () => telegram.messages(OWNER.id).find((m) => m.messageId > first && isNotice(m)),
      { timeoutMs: durationMs + 120_000 },
    );
    // The fake records a call once its handler returned, a moment after the message shows.
    await telegram.waitFor(() => telegram.calls().some((c) => resultId(c) === notice.messageId));
    const emitted =
      model.requests.slice(requestsBefore).find((r) => r.kind === 'stream' && r.emitted?.length)
        ?.emitted ?? [];
    // Where each shown version ends in the answer (a long answer's draft or live message shows
    // its tail, so match the shown text's last 200 characters).
    const shown = shownVersions(telegram, first, since).map((v) => {
      const text = shownAnswer(v.text).trim();
      const probe = squash(text.slice(-200));
      const idx = probe ? squash(expected).lastIndexOf(probe) : -1;
      return { at: v.at, end: idx < 0 ? 0 : idx + probe.length };
    });
    const total = squash(expected).length;
    const lags = emitted.map((chunk) => {
      const needed = squash(expected.slice(0, chunk.chars)).length;
      const seen = shown.find((s) => s.end >= needed && s.at >= chunk.at - 5);
      return (seen?.at ?? NaN) - chunk.at;
    });
    const answers = telegram.messages(OWNER.id).filter((m) => m.messageId > first && !isNotice(m));
    const calls = telegram
      .calls()
      .slice(callsBefore)
      .filter((c) => c.params['chat_id'] === OWNER.id);
    const complete = shown.find((s) => s.end >= total);
    return {
      path,
      p50Ms: percentile(lags, 50),
      p95Ms: percentile(lags, 95),
      completeMs: (complete?.at ?? NaN) - (emitted.at(-1)?.at ?? NaN),
      messageCalls: calls.filter((c) => MESSAGE_METHODS.includes(c.method)).length,
      draftCalls: calls.filter((c) => c.method.endsWith('Draft')).length,
      rateLimited: telegram.rateLimitHits().length - hitsBefore,
      answerMessages: answers.length,
      answerCorrect:
        squash(answers.map((m: MessageView) => m.plainText).join('')) === squash(expected),
    };
  } finally {
    await bridge.stop();
  }
}

/** Stop pressed on the draft → OpenCode reports the session idle (polled every 20 ms). */
export async function runStopLatency(b: Bench): Promise<number> {
  const { telegram, opencode } = b;
  const bridge = await startBridge(b);
  try {
    const first = telegram.messages(OWNER.id).at(-1)?.messageId ?? 0;
    telegram.userSendsText({
      from: OWNER,
      chatId: OWNER.id,
      text: prompts.stream(8000, { tps: 40 }),
    });
    const draft = await telegram.waitFor(
      () => telegram.drafts(OWNER.id).find((d) => d.text.length > 200),
      { timeoutMs: 60_000 },
    );
    const busy = async () =>
      Object.keys(await opencode.json<Record<string, unknown>>('/session/status')).length > 0;
    const pressed = Date.now();
    telegram.userPressesStop(OWNER.id, undefined, draft.draftId);
    while ((await busy()) && Date.now() - pressed < 10_000) await sleep(20);
    const ms = Date.now() - pressed;
    await telegram.waitFor(
      () => telegram.messages(OWNER.id).some((m) => m.messageId > first && isNotice(m)),
      { timeoutMs: 30_000 },
    );
    return ms;
  } finally {
    await bridge.stop();
  }
}

/** OpenCode's permission.asked → the permission message with its buttons in the private chat. */
export async function runPermissionLatency(b: Bench, path: DeliveryPath): Promise<number> {
  const { telegram } = b;
  const events = await subscribeGlobalEvents(b.opencode);
  const bridge = await startBridge(b, path === 'edit' ? { ...HTML_PATH } : {});
  try {
    const first = telegram.messages(OWNER.id).at(-1)?.messageId ?? 0;
    const command = `echo ${path}-${Date.now()}`;
    const asked = events.waitFor((e) => e.payload.type === 'permission.asked', {
      timeoutMs: 60_000,
    });
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: prompts.bash(command) });
    await asked;
    const askedAt = Date.now();
    const prompt = await telegram.waitFor(
      () =>
        telegram
          .messages(OWNER.id)
          .find((m) => m.messageId > first && m.replyMarkup?.inline_keyboard.length),
      { timeoutMs: 30_000 },
    );
    const once = prompt.replyMarkup!.inline_keyboard.flat().find((k) => k.text === '✅ Once');
    telegram.userPressesButton({
      from: OWNER,
      chatId: OWNER.id,
      messageId: prompt.messageId,
      data: once && 'callback_data' in once ? (once.callback_data ?? '') : '',
    });
    await telegram.waitFor(
      () => telegram.messages(OWNER.id).some((m) => m.messageId > prompt.messageId && isNotice(m)),
      { timeoutMs: 60_000 },
    );
    return prompt.history[0]!.at - askedAt;
  } finally {
    events.close();
    await bridge.stop();
  }
}
