// The desk, played through OpenCode's own API as `opencode attach` would: sessions created and
// prompted over REST in a project folder, with no chat following them.
import type { FakeUser, MessageView } from '../support/fake-telegram';
import { botMessages, type Bench } from './bench';

export interface Pending {
  id: string;
  sessionID: string;
  metadata?: { command?: string };
}

const inFolder = (route: string, directory: string): string =>
  `${route}${route.includes('?') ? '&' : '?'}directory=${encodeURIComponent(directory)}`;

export async function deskSession(bench: Bench, directory: string, title: string): Promise<string> {
  const session = await bench.opencode.json<{ id: string }>(inFolder('/session', directory), {
    method: 'POST',
    body: { title },
  });
  return session.id;
}

export async function deskPrompt(
  bench: Bench,
  directory: string,
  sessionId: string,
  text: string,
): Promise<void> {
  const response = await bench.opencode.fetch(
    inFolder(`/session/${sessionId}/prompt_async`, directory),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parts: [{ type: 'text', text }] }),
    },
  );
  if (response.status !== 204) throw new Error(`prompt_async answered ${response.status}`);
}

export async function waitForPending(
  bench: Bench,
  kind: 'permission' | 'question',
  directory: string,
  sessionId: string,
  timeoutMs = 60_000,
): Promise<Pending> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await bench.opencode.json<Pending[]>(inFolder(`/${kind}`, directory));
    const mine = all.find((p) => p.sessionID === sessionId);
    if (mine) return mine;
    if (Date.now() > deadline) throw new Error(`no pending ${kind} for ${sessionId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function pendingIds(
  bench: Bench,
  kind: 'permission' | 'question',
  directory: string,
): Promise<string[]> {
  return (await bench.opencode.json<Pending[]>(inFolder(`/${kind}`, directory))).map((p) => p.id);
}

/** Waits until OpenCode says the session is idle again. */
export async function untilIdle(
  bench: Bench,
  sessionId: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await bench.opencode.json<Record<string, unknown>>('/session/status'))[sessionId]) {
    if (Date.now() > deadline) throw new Error(`session ${sessionId} stays busy`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function toolState(
  bench: Bench,
  sessionId: string,
  tool: string,
): Promise<{ status: string; output?: string } | undefined> {
  const history = await bench.opencode.json<
    Array<{
      parts: Array<{ type: string; tool?: string; state?: { status: string; output?: string } }>;
    }>
  >(`/session/${sessionId}/message`);
  return history
    .flatMap((m) => m.parts)
    .filter((p) => p.type === 'tool' && p.tool === tool)
    .at(-1)?.state;
}

export async function untilToolDone(
  bench: Bench,
  sessionId: string,
  tool: string,
): Promise<{ status: string; output?: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await toolState(bench, sessionId, tool);
    if (state && (state.status === 'completed' || state.status === 'error')) return state;
    if (Date.now() > deadline) throw new Error(`${tool} never finished`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const buttonsOf = (m: MessageView): Array<{ text: string; data: string }> =>
  (m.replyMarkup?.inline_keyboard ?? [])
    .flat()
    .map((b) => ({ text: b.text, data: 'callback_data' in b ? (b.callback_data ?? '') : '' }));

export function press(bench: Bench, m: MessageView, label: string, from: FakeUser): string {
  const button = buttonsOf(m).find((b) => b.text.includes(label));
  if (!button) throw new Error(`no button ${label} on message ${m.messageId}: ${m.text}`);
  return bench.telegram.userPressesButton({
    from,
    chatId: m.chatId,
    messageId: m.messageId,
    data: button.data,
  });
}

export async function answerOf(bench: Bench, callbackQueryId: string): Promise<string | undefined> {
  const answer = await bench.telegram.waitFor(
    () => bench.telegram.callbackAnswers().find((a) => a.callbackQueryId === callbackQueryId),
    { timeoutMs: 15_000 },
  );
  return answer.text;
}

/** The user writes to the bot once (`/start`), as Telegram requires before a bot may write. */
export async function sayStart(bench: Bench, user: FakeUser): Promise<void> {
  const before = botMessages(bench.telegram, user.id).length;
  bench.telegram.userSendsText({ from: user, chatId: user.id, text: '/start' });
  await bench.telegram.waitFor(() => botMessages(bench.telegram, user.id).length > before, {
    timeoutMs: 15_000,
  });
}

export const current = (bench: Bench, m: MessageView): MessageView =>
  bench.telegram.message(m.chatId, m.messageId)!;

/** The message once it shows an outcome (its buttons gone). */
export const settled = (bench: Bench, m: MessageView): Promise<MessageView> =>
  bench.telegram.waitFor(
    () => (current(bench, m).replyMarkup === undefined ? current(bench, m) : undefined),
    { timeoutMs: 15_000 },
  );
