// Issue 12 in the menu-bar app: the real bridge in the app's main process (electron mocked), the
// real OpenCode and the fake Bot API. The screen lock decides whether a desk session's prompt
// goes to the phone.
import { randomBytes, randomInt } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../../main/app/app-main';
import { createBridge } from '../../main/core/bridge';
import { DEFAULT_SETTINGS } from '../../main/app/settings-store';
import { INVOKE, type PublicSettings } from '../../preload/ipc-contract';
import {
  FakeBrowserWindow,
  ipcEventFrom,
  ipcMain,
  powerMonitor,
  resetElectronMock,
} from '../helpers/electron-mock';
import type { MessageView } from '../support/fake-telegram';
import { prompts } from '../support/model-server';
import { OWNER, useBench } from './bench';
import {
  answerOf,
  deskPrompt,
  deskSession,
  press,
  sayStart,
  untilToolDone,
  waitForPending,
} from './desk';

vi.mock('electron', async () => (await import('../helpers/electron-mock')).electronModule());
vi.mock('electron-store', async () =>
  (await import('../helpers/electron-mock')).electronStoreModule(),
);

const bench = useBench();
let running: RunningApp | undefined;

beforeEach(() => resetElectronMock());
afterEach(async () => {
  await running?.controller.stop();
  running = undefined;
});

/** The app, set up in its window to attach to the bench's OpenCode, and started. */
async function startTheApp(patch: Partial<PublicSettings> = {}): Promise<RunningApp> {
  running = startApp({
    // The app talks to api.telegram.org with the token from the keychain; here, to the fake.
    createBridge: (settings, extras) =>
      createBridge(
        {
          ...settings,
          telegramBotToken: bench.telegram.token,
          telegramApiRoot: bench.telegram.apiRoot,
        },
        extras,
      ),
    outDir: '/app/out',
  });
  running.windows.show();
  running.windows.markReady();
  const own = ipcEventFrom(FakeBrowserWindow.instances[0]!.webContents);
  const invoke = (channel: string, ...args: unknown[]) => ipcMain.invoke(channel, own, ...args);
  await invoke(INVOKE.saveSettings, {
    ...DEFAULT_SETTINGS,
    allowedUserIds: [OWNER.id],
    opencodeMode: 'attach',
    opencodeUrl: bench.opencode.url,
    defaultProject: bench.opencode.dirs.project,
    ...patch,
  });
  const shapedToken = `${randomInt(100_000, 999_999)}:${randomBytes(27).toString('base64url')}`;
  expect(await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: shapedToken })).toEqual({
    ok: true,
  });
  await invoke(INVOKE.setSecret, { name: 'opencodePassword', value: bench.opencode.password });
  expect(await invoke(INVOKE.start)).toEqual({ ok: true });
  const app = running;
  await vi.waitFor(
    () => {
      const { status } = app.controller.getState();
      expect(status.telegram.kind).toBe('connected');
      expect(status.opencode.kind).toBe('connected');
    },
    { timeout: 30_000, interval: 100 },
  );
  return app;
}

const promptsSince = (first: number) => (): MessageView[] =>
  bench.telegram
    .messages(OWNER.id)
    .filter((m) => m.fromBot && m.messageId > first && /🔐/u.test(m.text ?? ''));

describe('the app knows when its owner is at the desk', { timeout: 150_000 }, () => {
  it('at the desk, a desk prompt stays off the phone until the screen locks; locked, it comes at once', async () => {
    await startTheApp();
    await sayStart(bench, OWNER);
    const folder = bench.opencode.dirs.project;
    const mine = promptsSince(bench.telegram.messages(OWNER.id).at(-1)?.messageId ?? 0);

    // Unlocked and in use: the owner sees it at the desk.
    const sessionId = await deskSession(bench, folder, 'Desk while here');
    await deskPrompt(bench, folder, sessionId, prompts.bash('echo seen-at-the-desk'));
    await waitForPending(bench, 'permission', folder, sessionId);
    await new Promise((r) => setTimeout(r, 3000));
    expect(mine()).toEqual([]);

    // The owner walks away: the open prompt follows them.
    powerMonitor.emit('lock-screen');
    const held = await bench.telegram.waitFor(() => mine()[0], { timeoutMs: 5000 });
    expect(held.text).toMatch(
      /^🖥 Desk while here · .*\n\n🔐 The agent wants to run a command\necho seen-at-the-desk/u,
    );
    expect(await answerOf(bench, press(bench, held, 'Once', OWNER))).toBe('Allowed once');
    expect((await untilToolDone(bench, sessionId, 'bash')).status).toBe('completed');

    // Still locked: the next desk prompt comes at once.
    const other = await deskSession(bench, folder, 'Desk while away');
    await deskPrompt(bench, folder, other, prompts.bash('echo seen-on-the-phone'));
    const direct = await bench.telegram.waitFor(() => mine()[1], { timeoutMs: 60_000 });
    expect(direct.text).toMatch(/^🖥 Desk while away · /u);

    // Coming back deletes nothing from the phone.
    powerMonitor.emit('unlock-screen');
    expect(await answerOf(bench, press(bench, direct, 'Once', OWNER))).toBe('Allowed once');
    expect((await untilToolDone(bench, other, 'bash')).status).toBe('completed');
    expect(mine().map((m) => m.messageId)).toEqual([held.messageId, direct.messageId]);
  });

  it('"Never" in the window: nothing from the desk reaches the phone, even locked', async () => {
    await startTheApp({ awayNotify: 'never' });
    await sayStart(bench, OWNER);
    powerMonitor.emit('lock-screen');
    const folder = bench.opencode.dirs.project;
    const mine = promptsSince(bench.telegram.messages(OWNER.id).at(-1)?.messageId ?? 0);
    const sessionId = await deskSession(bench, folder, 'Never on the phone');
    await deskPrompt(bench, folder, sessionId, prompts.bash('echo never-on-the-phone'));
    const request = await waitForPending(bench, 'permission', folder, sessionId);
    await new Promise((r) => setTimeout(r, 3000));
    expect(mine()).toEqual([]);
    await bench.opencode.json(`/permission/${request.id}/reply`, {
      method: 'POST',
      body: { reply: 'reject' },
    });
  });
});
