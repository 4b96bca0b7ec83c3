// The bot's commands end to end: the real OpenCode, the scripted model, the fake Bot API server and
// the headless bridge run as `npm run bridge` does. Every test has its own bridge and state dir;
// the chat, OpenCode and the model server are shared, so assertions only look at what came after
// a mark.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageView } from '../support/fake-telegram';
import { makeGitProject } from '../support/opencode';
import { EDIT_CONTENT, expectedReply, prompts } from '../support/model-server';
import {
  OWNER,
  botMessages,
  chatStateOf,
  sessionOf,
  useBench,
  useBridges,
  userTextsOf,
} from './bench';

interface StoredMessage {
  info: {
    id: string;
    role: 'user' | 'assistant';
    agent?: string;
    model?: { providerID: string; modelID: string };
    modelID?: string;
    time: { created: number; completed?: number };
  };
  parts: Array<{ type: string; text?: string }>;
}

interface SessionInfo {
  id: string;
  title: string;
  directory: string;
}

// A turn in a folder OpenCode has not served yet boots a new instance first (5–12 s).
vi.setConfig({ testTimeout: 120_000 });

// A second model, so /model has something to switch to.
const bench = useBench({
  opencodeConfig: {
    provider: {
      local: {
        models: {
          m2: { name: 'M2', tool_call: true, limit: { context: 128000, output: 8192 } },
        },
      },
    },
  },
});
const bridges = useBridges(bench);
// Registered after useBridges, so it runs before the bridges are stopped: let them confirm the
// updates they handled (a later getUpdates offset), so the next test's bridge, which starts
// without a saved offset, is not handed them again.
afterEach(async () => {
  const { telegram } = bench;
  const last = telegram.updates().at(-1)?.update_id;
  if (last !== undefined && bridges.running.length > 0) {
    await telegram
      .waitFor(() => telegram.calls('getUpdates').some((c) => Number(c.params['offset']) > last), {
        timeoutMs: 10_000,
      })
      .catch(() => undefined);
  }
});

/** The newest message id in the chat: later assertions look only past it. */
function mark(): number {
  return Math.max(0, ...bench.telegram.messages(OWNER.id).map((m) => m.messageId));
}

function botSince(since: number, pattern?: RegExp): MessageView[] {
  return botMessages(bench.telegram, OWNER.id, pattern).filter((m) => m.messageId > since);
}

async function waitForBot(
  since: number,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<MessageView> {
  return bench.telegram.waitFor(() => botSince(since, pattern)[0], { timeoutMs });
}

/** The model is streaming: its first words show, in the draft (or the live message). */
async function untilStreaming(since: number): Promise<void> {
  await bench.telegram.waitFor(
    () =>
      botSince(since, /tick \d/u)[0] ??
      bench.telegram.drafts(OWNER.id).find((d) => /tick \d/u.test(d.text)),
    { timeoutMs: 60_000 },
  );
}

/** The turn-finished notice (done, failed or stopped) after the mark. */
async function waitForTurnEnd(since: number, timeoutMs = 60_000): Promise<MessageView> {
  return waitForBot(since, /^(✅|⚠️|⏹)/u, timeoutMs);
}

function send(text: string): number {
  return bench.telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text }).message.message_id;
}

function buttons(message: MessageView): Array<{ text: string; data: string }> {
  return (message.replyMarkup?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) =>
      'callback_data' in b && b.callback_data !== undefined
        ? [{ text: b.text, data: b.callback_data }]
        : [],
    );
}

/** Presses the button whose label matches; resolves with the callback answer's text. */
async function press(message: MessageView, label: RegExp): Promise<string | undefined> {
  const button = buttons(message).find((b) => label.test(b.text));
  if (!button) throw new Error(`no button ${label} in ${JSON.stringify(buttons(message))}`);
  return pressData(message, button.data);
}

async function pressData(message: MessageView, data: string): Promise<string | undefined> {
  const { telegram } = bench;
  const id = telegram.userPressesButton({
    from: OWNER,
    chatId: OWNER.id,
    messageId: message.messageId,
    data,
  });
  const answer = await telegram.waitFor(() =>
    telegram.callbackAnswers().find((a) => a.callbackQueryId === id),
  );
  return answer.text;
}

/**
 * A button the bridge never issued, as a tampered client would send it: the fake Bot API only
 * lets the user press buttons that exist, so the keyboard is put on a message through the API.
 */
async function forgedButton(data: string): Promise<MessageView> {
  const { telegram } = bench;
  const since = mark();
  for (;;) {
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: OWNER.id,
        text: 'forged',
        reply_markup: { inline_keyboard: [[{ text: 'forged', callback_data: data }]] },
      }),
    });
    if (response.ok) break;
    // The fake enforces Telegram's flood limits on this chat too.
    const answer = (await response.json()) as { parameters?: { retry_after?: number } };
    const retryAfter = answer.parameters?.retry_after;
    if (response.status !== 429 || retryAfter === undefined)
      throw new Error(`sendMessage → ${response.status} ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
  return waitForBot(since, /^forged$/u);
}

function history(sessionId: string): Promise<StoredMessage[]> {
  return bench.opencode.json<StoredMessage[]>(`/session/${sessionId}/message`);
}

/** Does what the TUI at the desk does: prompt a session through OpenCode's REST API. */
async function deskPrompt(sessionId: string, text: string): Promise<void> {
  const response = await bench.opencode.fetch(`/session/${sessionId}/prompt_async`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ parts: [{ type: 'text', text }] }),
  });
  expect(response.status).toBe(204);
}

async function waitUntilIdle(sessionId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await bench.opencode.json<Record<string, unknown>>('/session/status');
    const messages = await history(sessionId);
    const last = messages.at(-1);
    if (!status[sessionId] && last?.info.role === 'assistant' && last.info.time.completed) return;
    if (Date.now() > deadline) throw new Error(`session ${sessionId} still busy`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('command menu and /help', () => {
  it('registers every command with setMyCommands and lists each in /help', async () => {
    const { telegram } = bench;
    await bridges.run();
    const expected = [
      'projects',
      'sessions',
      'new',
      'abort',
      'status',
      'model',
      'agent',
      'diff',
      'reasoning',
      'notify',
      'help',
    ];
    const menu = await telegram.waitFor(() => telegram.commands()[0]);
    const names = menu.commands.map((c) => c.command);
    expect([...names].sort()).toEqual([...expected].sort());
    expect(menu.commands.every((c) => c.description.length > 0)).toBe(true);

    const since = mark();
    send('/help');
    const help = await waitForBot(since, /send a message and the agent/);
    for (const command of expected) expect(help.text).toMatch(new RegExp(`^/${command} — `, 'mu'));
    expect(help.text).toContain('/abort — Stop the running turn (also /stop)');
  });
});

describe('/projects', () => {
  it('offers OpenCode’s projects and BRIDGE_PROJECTS; the chosen folder gets the next session', async () => {
    const extraA = await makeGitProject();
    const extraB = await makeGitProject();
    const { stateDir } = await bridges.run({
      env: { BRIDGE_PROJECTS: [extraA, extraB].join(path.delimiter) },
    });
    const project = bench.opencode.dirs.project;

    let since = mark();
    send('/projects');
    const list = await waitForBot(since, /Choose a folder/);
    expect(list.text).toContain(`Current project: ${project}`);
    const labels = buttons(list).map((b) => b.text);
    // Listed once each: the BRIDGE_PROJECTS folders first, then the default project (ticked).
    expect(labels.slice(0, 3)).toEqual([
      `${path.basename(extraA)} — ${extraA}`,
      `${path.basename(extraB)} — ${extraB}`,
      `✓ project — ${project}`,
    ]);
    expect(new Set(labels).size).toBe(labels.length);

    // Forged buttons (the list's token with an index it never offered or a path, an unknown
    // token) choose nothing.
    const token = buttons(list)[0]!.data.split(':')[0]!;
    for (const data of [
      `${token}:99`,
      `${token}:`,
      `${token}:-1`,
      `${token}:/etc`,
      'AAAAAAAAAAAA:0',
    ]) {
      const forged = await forgedButton(data);
      expect(await pressData(forged, data)).toBe('This prompt is no longer valid.');
    }
    expect([undefined, project]).toContain((await chatStateOf(stateDir))?.directory);

    since = mark();
    expect(await press(list, new RegExp(path.basename(extraB)))).toBe(
      `Project: ${path.basename(extraB)}`,
    );
    // The list turns into the choice: its buttons are gone.
    await bench.telegram.waitFor(() =>
      bench.telegram.message(OWNER.id, list.messageId)!.text?.startsWith('📁 Now in'),
    );
    const chosen = bench.telegram.message(OWNER.id, list.messageId)!;
    expect(chosen.text).toBe(
      `📁 Now in ${extraB}. Send a message to start a new session here, or /sessions to continue one.`,
    );
    expect(chosen.replyMarkup).toBeUndefined();
    expect((await chatStateOf(stateDir))?.directory).toBe(extraB);

    since = mark();
    send('hello from the new folder');
    await waitForTurnEnd(since);
    expect(botSince(since).at(-2)!.plainText).toBe(expectedReply('hello from the new folder'));
    const sessionId = await sessionOf(stateDir);
    const session = await bench.opencode.json<SessionInfo>(`/session/${sessionId}`);
    expect(session.directory).toBe(extraB);
    expect(await userTextsOf(bench, sessionId)).toEqual(['hello from the new folder']);

    // OpenCode now knows extraB as a project: a second /projects lists it once, ticked.
    since = mark();
    send('/projects');
    const again = await waitForBot(since, /Choose a folder/);
    const ticked = buttons(again).filter((b) => b.text.startsWith('✓ '));
    expect(ticked).toHaveLength(1);
    expect(ticked[0]!.text).toContain(path.basename(extraB));
    expect(buttons(again).filter((b) => b.text.endsWith(` — ${extraB}`))).toHaveLength(1);
  });
});

describe('/sessions', () => {
  it('continues on the phone a task started at the desk: pick it, see its last answer, carry on', async () => {
    const { opencode } = bench;
    const { stateDir } = await bridges.run();
    const project = opencode.dirs.project;

    // At the desk: a session with a finished turn.
    const desk = await opencode.json<SessionInfo>(
      `/session?directory=${encodeURIComponent(project)}`,
      { method: 'POST', body: { title: 'Desk task' } },
    );
    const deskText = prompts.say('Refactored the **parser** at the desk.');
    await deskPrompt(desk.id, deskText);
    await waitUntilIdle(desk.id);

    let since = mark();
    send('/sessions');
    const list = await waitForBot(since, /^Sessions in /u);
    expect(list.text).toContain(project);
    const row = buttons(list).find((b) => b.text.startsWith('Desk task'));
    expect(row?.text).toMatch(/^Desk task · (just now|\d+ min ago)$/u);

    since = mark();
    expect(await press(list, /^Desk task/u)).toBe('Switched to Desk task');
    const last = await waitForBot(since, /Last answer/);
    expect(last.text).toBe(
      `📂 Desk task in ${project}\n\nLast answer:\n\nRefactored the parser at the desk.`,
    );
    expect(last.html).toContain('<b>parser</b>');
    expect(await sessionOf(stateDir)).toBe(desk.id);
    // The list is replaced by the choice, so its buttons cannot be pressed again.
    await bench.telegram.waitFor(
      () => bench.telegram.message(OWNER.id, list.messageId)!.text === 'Now in Desk task',
    );
    expect(bench.telegram.message(OWNER.id, list.messageId)!.replyMarkup).toBeUndefined();

    // A message from the phone lands in the desk's session.
    since = mark();
    send('carry on from the phone');
    await waitForTurnEnd(since);
    expect(botSince(since).at(-2)!.plainText).toBe(expectedReply('carry on from the phone'));
    expect(await userTextsOf(bench, desk.id)).toEqual([deskText, 'carry on from the phone']);
  });

  it('streams to the phone a turn started at the desk in the session the chat follows', async () => {
    const { stateDir } = await bridges.run();
    let since = mark();
    send('start on the phone');
    await waitForTurnEnd(since);
    const sessionId = await sessionOf(stateDir);

    since = mark();
    await deskPrompt(sessionId, prompts.say('Finished at the desk, shown on the phone.'));
    const notice = await waitForTurnEnd(since);
    expect(notice.text).toMatch(/^✅ Done in \d+ s/u);
    expect(botSince(since).map((m) => m.plainText)).toEqual([
      'Finished at the desk, shown on the phone.',
      notice.text,
    ]);
  });

  it('/new starts a titled session in the current project; the next message goes there', async () => {
    const { stateDir } = await bridges.run();
    let since = mark();
    send('first message');
    await waitForTurnEnd(since);
    const first = await sessionOf(stateDir);

    since = mark();
    send('/new Release checklist');
    const created = await waitForBot(since, /^🆕/u);
    const sessionId = await sessionOf(stateDir);
    expect(sessionId).not.toBe(first);
    const session = await bench.opencode.json<SessionInfo>(`/session/${sessionId}`);
    expect(session.title).toBe('Release checklist');
    expect(session.directory).toBe(bench.opencode.dirs.project);
    expect(created.text).toBe(
      `🆕 New session Release checklist in ${bench.opencode.dirs.project}. Send a message to start.`,
    );

    since = mark();
    send('second message');
    await waitForTurnEnd(since);
    expect(await userTextsOf(bench, sessionId)).toEqual(['second message']);
    expect(await userTextsOf(bench, first)).toEqual(['first message']);
  });
});

describe('/abort and /status', () => {
  it('/abort with nothing running says so', async () => {
    await bridges.run();
    const since = mark();
    send('/abort');
    expect((await waitForBot(since, /./u)).text).toBe('Nothing is running.');
  });

  it('/stop (alias of /abort) stops the running turn: a Stopped notice, no error', async () => {
    await bridges.run();
    let since = mark();
    send(prompts.slow({ secs: 30 }));
    await untilStreaming(since);
    send('/stop');
    const notice = await waitForBot(since, /^(✅|⚠️|⏹ Stopped)/u, 20_000);
    expect(notice.text).toMatch(/^⏹ Stopped after \d+ s\.$/u);
    // Let a second idle (OpenCode sends two after an abort) arrive, then check nothing else came.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(botSince(since, /⚠️/u)).toEqual([]);
    expect(botSince(since, /^⏹/u).map((m) => m.text)).toEqual([
      '⏹ Stopping the agent…',
      notice.text,
    ]);
    // What the model had produced stays on the phone.
    expect(botSince(since).some((m) => /^tick 1\b/u.test(m.plainText))).toBe(true);

    since = mark();
    send('/abort');
    expect((await waitForBot(since, /./u)).text).toBe('Nothing is running.');
  });

  it('/status shows project, session, state, model, agent, tokens and cost', async () => {
    const { stateDir } = await bridges.run();
    let since = mark();
    send('/status');
    const before = await waitForBot(since, /Project/);
    expect(before.text).toContain(`📁 Project: ${bench.opencode.dirs.project}`);
    expect(before.text).toContain('💬 Session: none yet.');

    since = mark();
    send(prompts.say('counted'));
    await waitForTurnEnd(since);
    const sessionId = await sessionOf(stateDir);
    const assistant = (await history(sessionId)).filter((m) => m.info.role === 'assistant');
    const tokens = assistant.reduce((n, m) => {
      const t = (
        m.info as unknown as { tokens: { input: number; output: number; reasoning: number } }
      ).tokens;
      return n + t.input + t.output + t.reasoning;
    }, 0);
    expect(tokens).toBeGreaterThan(0);
    const session = await bench.opencode.json<SessionInfo>(`/session/${sessionId}`);

    since = mark();
    send('/status');
    const status = await waitForBot(since, /Project/);
    const lines = status.text!.split('\n');
    expect(lines).toEqual([
      `📁 Project: ${bench.opencode.dirs.project}`,
      `💬 Session: ${session.title} ${sessionId}`,
      '⚙️ State: idle',
      '🧠 Model: local/m1',
      '🤖 Agent: build',
      `📊 ${tokens.toLocaleString('en-US')} tokens · $0.0000`,
      '💭 Reasoning: hidden',
      expect.stringMatching(/^🔌 OpenCode \d+\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+$/u),
    ]);

    // While a turn runs, the state says so.
    since = mark();
    send(prompts.slow({ secs: 30 }));
    await untilStreaming(since);
    const statusMark = mark();
    send('/status');
    expect((await waitForBot(statusMark, /Project/)).text).toContain('⚙️ State: working');
    send('/abort');
    await waitForTurnEnd(since);
  });
});

describe('/model and /agent', () => {
  it('switches the model the next prompt uses', async () => {
    const { stateDir } = await bridges.run();
    let since = mark();
    send('/model');
    const list = await waitForBot(since, /^Model for this chat/u);
    expect(buttons(list).map((b) => b.text)).toEqual([
      'Local · M1',
      'Local · M2',
      '✓ Default (local/m1)',
    ]);
    expect(await press(list, /M2/u)).toBe('Next prompts use the local/m2.');
    await bench.telegram.waitFor(
      () =>
        bench.telegram.message(OWNER.id, list.messageId)!.text ===
        '✓ Next prompts use the local/m2.',
    );

    since = mark();
    send('which model?');
    await waitForTurnEnd(since);
    expect(botSince(since).at(-2)!.plainText).toBe(expectedReply('which model?'));
    const sessionId = await sessionOf(stateDir);
    const user = (await history(sessionId)).find((m) => m.info.role === 'user')!;
    expect(user.info.model).toEqual({ providerID: 'local', modelID: 'm2' });
    const request = bench.model
      .chatRequests()
      .findLast((r) => r.userText?.includes('which model?'));
    expect((request?.body as { model?: string }).model).toBe('m2');

    // Back to the default.
    since = mark();
    send('/model');
    const again = await waitForBot(since, /^Model for this chat/u);
    expect(again.text).toContain('Model for this chat: local/m2');
    expect(buttons(again).map((b) => b.text)).toEqual([
      'Local · M1',
      '✓ Local · M2',
      'Default (local/m1)',
    ]);
    // OpenCode keeps a session on its last model when a prompt names none: Default must switch back.
    expect(await press(again, /^Default/u)).toBe('Next prompts use the local/m1.');
    since = mark();
    send('and now?');
    await waitForTurnEnd(since);
    const latest = bench.model.chatRequests().findLast((r) => r.userText?.includes('and now?'));
    expect((latest?.body as { model?: string }).model).toBe('m1');
  });

  it('switches the agent the next prompt uses', async () => {
    const { stateDir } = await bridges.run();
    let since = mark();
    send('/agent');
    const list = await waitForBot(since, /^Agent for this chat/u);
    const names = buttons(list).map((b) => b.text.split(' — ')[0]);
    expect(names).toEqual(expect.arrayContaining(['build', 'plan', '✓ Default']));
    expect(names).not.toContain('general');
    expect(await press(list, /^plan\b/u)).toBe('Next prompts use the agent plan.');

    since = mark();
    send('plan it');
    await waitForTurnEnd(since);
    const sessionId = await sessionOf(stateDir);
    const user = (await history(sessionId)).find((m) => m.info.role === 'user')!;
    expect(user.info.agent).toBe('plan');

    since = mark();
    send('/status');
    expect((await waitForBot(since, /Project/)).text).toContain('🤖 Agent: plan');

    // Default goes back to OpenCode's default agent.
    since = mark();
    send('/agent');
    const again = await waitForBot(since, /^Agent for this chat/u);
    expect(again.text).toContain('Agent for this chat: plan');
    expect(await press(again, /^Default/u)).toBe('Next prompts use the default agent.');
    since = mark();
    send('build it');
    await waitForTurnEnd(since);
    const users = (await history(sessionId)).filter((m) => m.info.role === 'user');
    expect(users.map((m) => m.info.agent)).toEqual(['plan', 'build']);
  });
});

describe('/diff', () => {
  it('summarises the session’s changes and sends the patch as a .diff document', async () => {
    await bridges.run();
    let since = mark();
    send('/diff');
    expect((await waitForBot(since, /./u)).text).toBe('No session yet: nothing has changed.');

    since = mark();
    send(prompts.edit('notes.txt'));
    const permission = await waitForBot(since, /^🔐 The agent wants to change files\nnotes\.txt/u);
    await press(permission, /Once/u);
    await waitForTurnEnd(since);
    const edited = botSince(since, /Edited notes\.txt\.$/u).map((m) => m.plainText);
    expect(edited).toHaveLength(1);
    expect(edited[0]).toMatch(/^🔧 edited notes\.txt\n[^]*\n\nEdited notes\.txt\.$/u);

    since = mark();
    send('/diff');
    const doc = await bench.telegram.waitFor(() => botSince(since).find((m) => m.document));
    const summary = botSince(since)[0]!;
    expect(summary.text).toBe('📝 1 file changed (+1 −0)\n+1 −0 notes.txt (new)');
    expect(doc.document!.fileName).toMatch(/^session-.{8}\.diff$/u);
    const patch = doc.document!.bytes.toString('utf8');
    expect(patch).toContain('notes.txt');
    expect(patch).toContain(`+${EDIT_CONTENT.trimEnd()}`);
  });
});

describe('queueing', () => {
  it('accepts a message sent while the agent works, says it is queued, and answers it after the first', async () => {
    const { stateDir } = await bridges.run();
    const since = mark();
    const first = prompts.stream(600, { tps: 60 });
    send(first);
    await bench.telegram.waitFor(
      () => bench.model.requests.some((r) => r.kind === 'stream' && r.userText === first),
      { timeoutMs: 60_000 },
    );
    const queuedId = send('and after that, this');
    const queued = await waitForBot(since, /^📥/u);
    expect(queued.text).toBe(
      '📥 Queued: the agent takes this up when it finishes the current task.',
    );
    expect(queued.raw.reply_to_message?.message_id).toBe(queuedId);

    // OpenCode runs the queued message right after the first, without going idle in between.
    const second = expectedReply('and after that, this');
    await bench.telegram.waitFor(
      () => {
        const texts = botSince(since).map((m) => m.plainText);
        const at = texts.findIndex((t) => t.includes(second));
        return at >= 0 && texts.slice(at + 1).some((t) => t.startsWith('✅'));
      },
      { timeoutMs: 60_000 },
    );
    // Each prompt gets its own reply message and its own notice, in order.
    const texts = botSince(since).map((m) => m.plainText);
    const firstAt = texts.indexOf(expectedReply(first));
    const secondAt = texts.indexOf(second);
    expect(firstAt).toBeGreaterThanOrEqual(0);
    expect(secondAt).toBeGreaterThan(firstAt);
    expect(texts.slice(firstAt + 1, secondAt).some((t) => t.startsWith('✅'))).toBe(true);
    const secondReply = botSince(since).find((m) => m.plainText === second)!;
    expect(secondReply.raw.reply_to_message?.message_id).toBe(queuedId);
    expect(botSince(since, /⚠️/u)).toEqual([]);
    expect(await userTextsOf(bench, await sessionOf(stateDir))).toEqual([
      first,
      'and after that, this',
    ]);
  });
});
