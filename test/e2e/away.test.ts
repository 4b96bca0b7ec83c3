// Issue 12: a session started at the desk (no chat follows it) that needs the user reaches the
// phone. The desk is played through OpenCode's own API, as `opencode attach` would.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeUser, MessageView } from '../support/fake-telegram';
import { expectedReply, prompts, streamedText } from '../support/model-server';
import { makeGitProject } from '../support/opencode';
import { OWNER, botMessages, sessionOf, useBench, useBridges, userTextsOf } from './bench';
import {
  answerOf,
  buttonsOf,
  current,
  deskPrompt,
  deskSession,
  pendingIds,
  press,
  sayStart,
  settled,
  untilIdle,
  untilToolDone,
  waitForPending,
} from './desk';

const bench = useBench();
const bridges = useBridges(bench);
const TEST_MS = 150_000;
const COLLEAGUE: FakeUser = { id: 5151, first_name: 'Grace', username: 'grace' };

/** Bot messages in a chat after the given message id, optionally matching. */
const after =
  (chatId: number, first: number, threadId?: number) =>
  (pattern?: RegExp): MessageView[] =>
    bench.telegram
      .messages(chatId, threadId)
      .filter((m) => m.fromBot && m.messageId > first && (!pattern || pattern.test(m.text ?? '')));

const lastId = (chatId: number): number => bench.telegram.messages(chatId).at(-1)?.messageId ?? 0;

let folders = 0;
/** A project folder of its own, other than the bridge's default project. */
const otherProject = () =>
  makeGitProject(path.join(bench.opencode.dirs.root, `desk-project-${++folders}`));

describe('desk sessions reach the phone', { timeout: TEST_MS }, () => {
  it('a desk session in another folder asks to run a command: within 2 s the private chat shows it under the session’s title; Once runs it', async () => {
    await bridges.run();
    await sayStart(bench, OWNER);
    const folder = await otherProject();
    const mine = after(OWNER.id, lastId(OWNER.id));
    const sessionId = await deskSession(bench, folder, 'Nightly cleanup');
    const command = 'echo approved-from-afar';
    await deskPrompt(bench, folder, sessionId, prompts.bash(command));

    await waitForPending(bench, 'permission', folder, sessionId);
    const prompt = await bench.telegram.waitFor(() => mine(/🔐/u)[0], { timeoutMs: 2000 });
    expect(prompt.text).toBe(
      `🖥 Nightly cleanup · ${folder}\n\n🔐 The agent wants to run a command\n${command}\n` +
        `in ${folder}\nAlways also allows, in this project until OpenCode restarts: echo *`,
    );
    expect(buttonsOf(prompt).map((b) => b.text)).toEqual(['✅ Once', '♾️ Always', '❌ Reject']);

    expect(await answerOf(bench, press(bench, prompt, 'Once', OWNER))).toBe('Allowed once');
    const bash = await untilToolDone(bench, sessionId, 'bash');
    expect(bash.status).toBe('completed');
    expect(bash.output).toContain('approved-from-afar');
    expect((await settled(bench, prompt)).text).toBe(`${prompt.text}\n\n✅ Allowed once`);
    expect(mine(/🔐/u)).toHaveLength(1);
  });

  it('a desk session’s question comes with its options as buttons; a tap answers it', async () => {
    await bridges.run();
    await sayStart(bench, OWNER);
    const folder = bench.opencode.dirs.project;
    const mine = after(OWNER.id, lastId(OWNER.id));
    const sessionId = await deskSession(bench, folder, 'Pick a colour');
    await deskPrompt(bench, folder, sessionId, prompts.question());

    await waitForPending(bench, 'question', folder, sessionId);
    const prompt = await bench.telegram.waitFor(() => mine(/❓/u)[0], { timeoutMs: 2000 });
    expect(prompt.text).toMatch(
      new RegExp(`^🖥 Pick a colour · ${folder}\n\n❓ Color\nWhich color do you prefer\\?`, 'u'),
    );
    expect(buttonsOf(prompt).map((b) => b.text)).toEqual(['Red', 'Blue', '⏭ Skip']);

    expect(await answerOf(bench, press(bench, prompt, 'Blue', OWNER))).toBe('Answered');
    const tool = await untilToolDone(bench, sessionId, 'question');
    expect(tool.status).toBe('completed');
    expect(tool.output).toContain('Blue');
    expect((await settled(bench, prompt)).text).toBe(`${prompt.text}\n\n✅ Answered: Blue`);
  });

  it('a long desk turn ends with one notice; Continue here makes the chat follow the session', async () => {
    const bridge = await bridges.run({ env: { BRIDGE_NOTIFY_MIN_TURN_S: '2' } });
    await sayStart(bench, OWNER);
    const folder = bench.opencode.dirs.project;
    const mine = after(OWNER.id, lastId(OWNER.id));
    const sessionId = await deskSession(bench, folder, 'Long desk task');
    // About 4 s of streaming: longer than the 2 s this bridge was told to wait for.
    const ask = prompts.stream(400, { tps: 25 });
    await deskPrompt(bench, folder, sessionId, ask);

    const notice = await bench.telegram.waitFor(() => mine(/^🖥 Long desk task finished/u)[0], {
      timeoutMs: 60_000,
    });
    expect(notice.text).toMatch(
      new RegExp(`^🖥 Long desk task finished after \\d+ s · ${folder}\n\n`, 'u'),
    );
    expect(notice.text).toContain(streamedText(400).slice(0, 40));
    expect(buttonsOf(notice).map((b) => b.text)).toEqual(['▶️ Continue here']);
    await bridge.waitForLine(/Told 1 chat\(s\) that desk session/);
    expect(mine(/Long desk task/u)).toHaveLength(1);

    expect(await answerOf(bench, press(bench, notice, 'Continue here', OWNER))).toBe(
      'Continuing Long desk task here',
    );
    expect(await sessionOf(bridge.stateDir)).toBe(sessionId);
    const last = await bench.telegram.waitFor(() => mine(/^📂 Long desk task/u)[0], {
      timeoutMs: 15_000,
    });
    expect(last.text).toContain('Last answer:');
    expect(current(bench, notice).text).toBe(`${notice.text}\n\n▶️ Continued here.`);

    bench.telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'and now from the phone' });
    await bench.telegram.waitFor(
      () => mine().find((m) => m.plainText === expectedReply('and now from the phone')),
      { timeoutMs: 60_000 },
    );
    expect(await userTextsOf(bench, sessionId)).toEqual([ask, 'and now from the phone']);
  });

  it('BRIDGE_NOTIFY=followed: nothing from the desk reaches the phone, until /notify prompts (which survives a restart)', async () => {
    const env = { BRIDGE_NOTIFY: 'followed', BRIDGE_NOTIFY_MIN_TURN_S: '2' };
    const first = await bridges.run({ env });
    await sayStart(bench, OWNER);
    const folder = bench.opencode.dirs.project;
    const mine = after(OWNER.id, lastId(OWNER.id));

    const quiet = await deskSession(bench, folder, 'Quiet desk task');
    await deskPrompt(bench, folder, quiet, prompts.stream(400, { tps: 25 }));
    await untilIdle(bench, quiet);
    await deskPrompt(bench, folder, quiet, prompts.bash('echo not-on-the-phone'));
    const unseen = await waitForPending(bench, 'permission', folder, quiet);
    await new Promise((r) => setTimeout(r, 3000));
    expect(mine()).toEqual([]);
    await bench.opencode.json(`/permission/${unseen.id}/reply`, {
      method: 'POST',
      body: { reply: 'reject' },
    });

    bench.telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/notify prompts' });
    await bench.telegram.waitFor(() => mine(/^🔔/u)[0], { timeoutMs: 15_000 });
    expect(mine(/^🔔/u)[0]!.text).toBe(
      '🔔 Sessions started at the desk reach this chat only when they ask something.',
    );
    bridges.forget(first);
    expect((await first.stop()).code).toBe(0);
    await bridges.run({ env, stateDir: first.stateDir });

    const asking = await deskSession(bench, folder, 'Asking desk task');
    await deskPrompt(bench, folder, asking, prompts.bash('echo now-on-the-phone'));
    const prompt = await bench.telegram.waitFor(() => mine(/🔐/u)[0], { timeoutMs: 60_000 });
    expect(prompt.text).toMatch(/^🖥 Asking desk task · /u);
    expect(await answerOf(bench, press(bench, prompt, 'Once', OWNER))).toBe('Allowed once');
    expect((await untilToolDone(bench, asking, 'bash')).status).toBe('completed');
    expect(mine(/Quiet desk task/u)).toEqual([]);
  });

  it('two users: a followed session’s prompt arrives once, in its own chat only; a desk prompt in both, and an answer in one shows in the other', async () => {
    bench.telegram.addPrivateChat(COLLEAGUE);
    const bridge = await bridges.run({
      env: { TELEGRAM_ALLOWED_USERS: `${OWNER.id},${COLLEAGUE.id}` },
    });
    await sayStart(bench, OWNER);
    await sayStart(bench, COLLEAGUE);
    const owner = after(OWNER.id, lastId(OWNER.id));
    const colleague = after(COLLEAGUE.id, lastId(COLLEAGUE.id));

    // The owner's chat follows its session: its prompt stays there.
    bench.telegram.userSendsText({
      from: OWNER,
      chatId: OWNER.id,
      text: prompts.bash('echo followed-one'),
    });
    const followed = await bench.telegram.waitFor(() => owner(/🔐/u)[0], { timeoutMs: 60_000 });
    expect(followed.text).toMatch(/^🔐 The agent wants to run a command\necho followed-one/u);
    expect(await answerOf(bench, press(bench, followed, 'Once', OWNER))).toBe('Allowed once');
    await untilToolDone(bench, await sessionOf(bridge.stateDir), 'bash');
    expect(owner(/🔐/u)).toHaveLength(1);
    expect(colleague(/🔐/u)).toEqual([]);

    // A desk session's prompt goes to both; the colleague answers, the owner's copy says so.
    const folder = bench.opencode.dirs.project;
    const sessionId = await deskSession(bench, folder, 'Shared desk task');
    await deskPrompt(bench, folder, sessionId, prompts.bash('echo shared-one'));
    const mineCopy = await bench.telegram.waitFor(() => owner(/^🖥 Shared desk task/u)[0], {
      timeoutMs: 60_000,
    });
    const theirs = await bench.telegram.waitFor(() => colleague(/^🖥 Shared desk task/u)[0], {
      timeoutMs: 15_000,
    });
    expect(theirs.text).toBe(mineCopy.text);
    expect(await answerOf(bench, press(bench, theirs, 'Once', COLLEAGUE))).toBe('Allowed once');
    expect((await untilToolDone(bench, sessionId, 'bash')).output).toContain('shared-one');
    expect((await settled(bench, theirs)).text).toBe(`${theirs.text}\n\n✅ Allowed once`);
    expect((await settled(bench, mineCopy)).text).toBe(`${mineCopy.text}\n\n✅ Allowed once`);
    expect(await pendingIds(bench, 'permission', folder)).toEqual([]);
    expect(botMessages(bench.telegram, COLLEAGUE.id, /🔐/u)).toHaveLength(1);
  });

  it('a home forum: a desk prompt goes into that session’s own topic, reused the next time', async () => {
    const group = bench.telegram.addForumGroup({ title: 'Home' }).id;
    await bridges.run({
      env: { BRIDGE_HOME_CHAT: String(group), TELEGRAM_ALLOWED_CHATS: String(group) },
    });
    await sayStart(bench, OWNER);
    const privately = after(OWNER.id, lastId(OWNER.id));
    const folder = bench.opencode.dirs.project;
    const sessionId = await deskSession(bench, folder, 'Forum desk task');
    await deskPrompt(bench, folder, sessionId, prompts.bash('echo in-the-topic'));

    const topic = await bench.telegram.waitFor(
      () => bench.telegram.topics(group).find((t) => t.name === 'Forum desk task'),
      { timeoutMs: 60_000 },
    );
    const inTopic = after(group, 0, topic.threadId);
    const prompt = await bench.telegram.waitFor(() => inTopic(/🔐/u)[0], { timeoutMs: 15_000 });
    expect(prompt.text).toMatch(/^🖥 Forum desk task · .*\n\n🔐 The agent wants to run a command/u);
    expect(await answerOf(bench, press(bench, prompt, 'Once', OWNER))).toBe('Allowed once');
    expect((await untilToolDone(bench, sessionId, 'bash')).status).toBe('completed');
    // The turn goes on in the topic, so its answer lands there.
    await bench.telegram.waitFor(
      () =>
        inTopic().find((m) =>
          m.plainText.endsWith(expectedReply(prompts.bash('echo in-the-topic'))),
        ),
      { timeoutMs: 60_000 },
    );
    await untilIdle(bench, sessionId);

    await deskPrompt(bench, folder, sessionId, prompts.bash('echo in-the-topic-again'));
    const again = await bench.telegram.waitFor(() => inTopic(/🔐[^]*in-the-topic-again/u)[0], {
      timeoutMs: 60_000,
    });
    expect(await answerOf(bench, press(bench, again, 'Once', OWNER))).toBe('Allowed once');
    expect(bench.telegram.topics(group).filter((t) => t.name === 'Forum desk task')).toHaveLength(
      1,
    );
    expect(privately(/🔐/u)).toEqual([]);
  });
});
