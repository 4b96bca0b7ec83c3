// The main process wired end to end, with electron and electron-store replaced by the mock.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeBrowserWindow,
  FakeTray,
  FakeWebContents,
  app,
  clipboard,
  fakeEvent,
  ipcEventFrom,
  ipcMain,
  isMockCiphertext,
  powerMonitor,
  resetElectronMock,
  safeStorage,
  session,
} from '../helpers/electron-mock';
import { FakeBridge, createFakeBridge } from './fake-bridge';
import { startApp } from '../../main/app/app-main';
import { DEFAULT_SETTINGS } from '../../main/app/settings-store';
import { claimSingleInstance } from '../../main/app/lifecycle';
import { INVOKE, PUSH, type AppState, type PublicSettings } from '../../preload/ipc-contract';
import type { FoundOpencode } from '../../main/app/find-opencode';

vi.mock('electron', async () => (await import('../helpers/electron-mock')).electronModule());
vi.mock('electron-store', async () =>
  (await import('../helpers/electron-mock')).electronStoreModule(),
);

const TOKEN = '123456789:AAHsecretTOKENvalue_abcdefghijklmn';
const PASSWORD = 'correct horse battery staple';
const OUT = '/app/out';

const found = (): Promise<FoundOpencode> =>
  Promise.resolve({ found: true, path: '/opt/homebrew/bin/opencode', source: 'install-dir' });

const settings = (patch: Partial<PublicSettings> = {}): PublicSettings => ({
  ...DEFAULT_SETTINGS,
  allowedUserIds: [42],
  ...patch,
});

function boot() {
  const running = startApp({ createBridge: createFakeBridge, outDir: OUT, findOpencode: found });
  const tray = FakeTray.instances[0]!;
  // The window exists once it is first shown.
  running.windows.show();
  running.windows.markReady();
  const win = FakeBrowserWindow.instances[0]!;
  const own = ipcEventFrom(win.webContents);
  const invoke = (channel: string, ...args: unknown[]) => ipcMain.invoke(channel, own, ...args);
  return { running, tray, win, own, invoke };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function storeFiles(): string {
  return ['settings.json', 'secrets.json']
    .map((f) => {
      try {
        return readFileSync(path.join(app.userData, f), 'utf8');
      } catch {
        return '';
      }
    })
    .join('\n');
}

beforeEach(() => {
  resetElectronMock();
  FakeBridge.instances = [];
});

describe('lifecycle', () => {
  it('takes the single-instance lock, and a second launch quits', () => {
    expect(claimSingleInstance(app)).toBe(true);
    app.lock = false;
    expect(claimSingleInstance(app)).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
  });

  it('hides the Dock icon and shows the window when a second instance starts', () => {
    const { win } = boot();
    expect(app.dock.hide).toHaveBeenCalled();
    win.hide();
    app.emit('second-instance');
    expect(win.visible).toBe(true);
  });

  it('stops the bridge before quitting', async () => {
    const { invoke } = boot();
    await invoke(INVOKE.saveSettings, settings());
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    await invoke(INVOKE.start);
    const bridge = FakeBridge.instances[0]!;
    expect(bridge.current.running).toBe(true);

    app.quit();
    expect(app.quitted).toBe(false); // held until the bridge has stopped
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(bridge.stop).toHaveBeenCalledTimes(1);
  });

  it('reconnects a running bridge when the Mac wakes from sleep', async () => {
    const { invoke } = boot();
    powerMonitor.emit('resume'); // nothing running yet: nothing to do
    await invoke(INVOKE.saveSettings, settings());
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    await invoke(INVOKE.start);
    const bridge = FakeBridge.instances[0]!;
    expect(bridge.reconnect).not.toHaveBeenCalled();
    powerMonitor.emit('resume');
    expect(bridge.reconnect).toHaveBeenCalledTimes(1);
  });

  it('starts by itself when the settings are complete', async () => {
    const first = boot();
    await first.invoke(INVOKE.saveSettings, settings());
    await first.invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    expect(FakeBridge.instances).toHaveLength(0);

    // Next launch: same userData, fresh process.
    const userData = app.userData;
    resetElectronMock();
    app.userData = userData;
    boot();
    await vi.waitFor(() => expect(FakeBridge.instances).toHaveLength(1));
    const built = FakeBridge.instances[0]!.settings;
    expect(built.telegramBotToken).toBe(TOKEN);
    expect(built.allowedUserIds).toEqual([42]);
    expect(built.opencodeUrl).toBeUndefined();
    expect(built.opencodeBinary).toBe('/opt/homebrew/bin/opencode');
    expect(built.stateDir).toBe(userData);
  });

  it('does not start by itself when attach mode lacks the password', async () => {
    const first = boot();
    await first.invoke(
      INVOKE.saveSettings,
      settings({ opencodeMode: 'attach', opencodeUrl: 'http://127.0.0.1:4096' }),
    );
    await first.invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    const state = (await first.invoke(INVOKE.getState)) as AppState;
    expect(state.missing).toEqual(['OpenCode password']);
    const userData = app.userData;
    resetElectronMock();
    app.userData = userData;
    boot();
    await flush();
    expect(FakeBridge.instances).toHaveLength(0);
  });
});

describe('tray', () => {
  it('uses template images from the assets folder', () => {
    const { tray } = boot();
    expect(tray.image.path).toBe(path.join(OUT, 'assets', 'tray-stoppedTemplate.png'));
    expect(tray.image.template).toBe(true);
  });

  it('follows the bridge through every tray state', async () => {
    const { tray, invoke } = boot();
    await invoke(INVOKE.saveSettings, settings());
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    await invoke(INVOKE.start);
    const bridge = FakeBridge.instances[0]!;
    const imageName = () => path.basename(tray.image.path);
    expect(imageName()).toBe('tray-idleTemplate.png');

    const session = { sessionId: 's1', title: 'Fix tests', place: 'private chat 42' };
    bridge.push({
      ...bridge.current,
      sessions: [{ ...session, busy: true, waitingForUser: false }],
    });
    expect(imageName()).toBe('tray-workingTemplate.png');
    bridge.push({
      ...bridge.current,
      sessions: [{ ...session, busy: true, waitingForUser: true }],
    });
    expect(imageName()).toBe('tray-waitingTemplate.png');
    bridge.push({ ...bridge.current, telegram: { kind: 'error', reason: 'Unauthorized' } });
    expect(imageName()).toBe('tray-errorTemplate.png');
    expect(tray.tooltip).toMatch(/error/);
    await invoke(INVOKE.stop);
    expect(imageName()).toBe('tray-stoppedTemplate.png');
  });

  it('toggles the window under the icon on click', () => {
    const { tray, win } = boot();
    win.hide();
    tray.emit('click', fakeEvent(), { x: 1000, y: 0, width: 24, height: 24 });
    expect(win.visible).toBe(true);
    expect(win.position).toEqual([1012 - 180, 25]);
    tray.emit('click', fakeEvent(), { x: 1000, y: 0, width: 24, height: 24 });
    expect(win.visible).toBe(false);
  });

  it('has Start, Start at login, Show logs and Quit in its context menu', () => {
    const { tray, win } = boot();
    tray.emit('right-click');
    const menu = tray.menus[0] as {
      template: { label?: string; type?: string; click?: () => void }[];
    };
    const labels = menu.template.map((i) => i.label).filter(Boolean);
    expect(labels[0]).toMatch(/^Start bridge/);
    expect(labels).toEqual(
      expect.arrayContaining(['Start at login', 'Show logs', 'Quit OpenCode Bridge']),
    );
    win.hide();
    menu.template.find((i) => i.label === 'Show logs')!.click!();
    expect(win.visible).toBe(true);
    expect(win.webContents.sent).toContainEqual({ channel: PUSH.showTab, payload: 'logs' });
  });
});

describe('secrets', () => {
  it('stores only ciphertext and never sends the plaintext to the window', async () => {
    const { win, invoke } = boot();
    expect(await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN })).toEqual({
      ok: true,
    });
    expect(await invoke(INVOKE.setSecret, { name: 'opencodePassword', value: PASSWORD })).toEqual({
      ok: true,
    });

    const files = storeFiles();
    expect(files).not.toContain(TOKEN);
    expect(files).not.toContain(PASSWORD);
    const secretsFile = JSON.parse(
      readFileSync(path.join(app.userData, 'secrets.json'), 'utf8'),
    ) as Record<string, string>;
    expect(isMockCiphertext(secretsFile['telegramBotToken']!)).toBe(true);
    expect(isMockCiphertext(secretsFile['opencodePassword']!)).toBe(true);

    // Everything the window can get: answers and pushes.
    await invoke(INVOKE.saveSettings, settings());
    await invoke(INVOKE.start);
    FakeBridge.instances[0]!.log(`connected with ${TOKEN}`);
    const answers = await Promise.all(
      [INVOKE.getState, INVOKE.getSettings, INVOKE.getLogs].map((c) => invoke(c)),
    );
    await invoke(INVOKE.copyLogs, 'debug');
    const seen = JSON.stringify([answers, win.webContents.sent, clipboard.text]);
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain(PASSWORD);
    expect(seen).toContain('[redacted]');
    const state = answers[0] as AppState;
    expect(state.secrets).toEqual({
      telegramBotToken: true,
      opencodePassword: true,
      transcribeKey: false,
    });
  });

  it('keeps the transcription key encrypted, hands it only to the bridge, and redacts it', async () => {
    const { win, invoke } = boot();
    const key = 'sk-proj-voiceKEY0123456789abcdef';
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    expect(await invoke(INVOKE.setSecret, { name: 'transcribeKey', value: key })).toEqual({
      ok: true,
    });
    expect(storeFiles()).not.toContain(key);
    await invoke(
      INVOKE.saveSettings,
      settings({
        transcribeUrl: 'https://api.openai.com/v1',
        transcribeModel: 'gpt-4o-mini-transcribe',
        transcribeLanguage: 'de',
      }),
    );
    await invoke(INVOKE.start);
    expect(FakeBridge.instances[0]!.settings.transcription).toEqual({
      url: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini-transcribe',
      key,
      language: 'de',
    });
    FakeBridge.instances[0]!.log(`transcribing with ${key}`);
    const answers = await Promise.all([INVOKE.getState, INVOKE.getLogs].map((c) => invoke(c)));
    const seen = JSON.stringify([answers, win.webContents.sent]);
    expect(seen).not.toContain(key);
    expect((answers[0] as AppState).secrets.transcribeKey).toBe(true);
  });

  it('gives the bridge no transcription when the URL is empty, even with a key saved', async () => {
    const { invoke } = boot();
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    await invoke(INVOKE.setSecret, { name: 'transcribeKey', value: 'sk-unused-key-123456' });
    await invoke(INVOKE.saveSettings, settings());
    await invoke(INVOKE.start);
    expect(FakeBridge.instances[0]!.settings.transcription).toBeUndefined();
  });

  it('denies every permission request from web content', () => {
    boot();
    const callback = vi.fn();
    session.defaultSession.permissionHandler!(undefined, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
  });

  it('has no IPC channel that reads a secret back', () => {
    boot();
    expect(
      [...ipcMain.handlers.keys()].filter((c) => /secret|token|password/i.test(c)).sort(),
    ).toEqual([INVOKE.clearSecret, INVOKE.setSecret].sort());
  });

  it('refuses to save a secret when encryption is unavailable, and says why', async () => {
    const { invoke } = boot();
    safeStorage.available = false;
    const result = (await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN })) as {
      ok: boolean;
      error: string;
    };
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/encryption/i);
    expect(storeFiles()).not.toContain(TOKEN);
    expect(((await invoke(INVOKE.getState)) as AppState).encryptionAvailable).toBe(false);
  });

  it('clears a secret', async () => {
    const { invoke } = boot();
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    await invoke(INVOKE.clearSecret, 'telegramBotToken');
    expect(((await invoke(INVOKE.getState)) as AppState).secrets.telegramBotToken).toBe(false);
  });
});

describe('IPC', () => {
  it('refuses messages from another webContents or a subframe', async () => {
    const { win } = boot();
    const stranger = new FakeWebContents();
    await expect(ipcMain.invoke(INVOKE.getState, ipcEventFrom(stranger))).rejects.toThrow(
      /not the app window/,
    );
    await expect(
      ipcMain.invoke(INVOKE.setSecret, ipcEventFrom(stranger), {
        name: 'telegramBotToken',
        value: TOKEN,
      }),
    ).rejects.toThrow(/Refused/);
    await expect(
      ipcMain.invoke(INVOKE.getState, {
        sender: win.webContents,
        senderFrame: { url: 'https://evil', parent: win.webContents.mainFrame },
      }),
    ).rejects.toThrow(/not the app window/);
  });

  it('refuses bad payloads with a clear error', async () => {
    const { invoke } = boot();
    await expect(invoke(INVOKE.saveSettings, settings({ opencodePort: 80 }))).rejects.toThrow(
      /Port must be/,
    );
    await expect(
      invoke(INVOKE.saveSettings, { ...settings(), allowedUserIds: ['42'] }),
    ).rejects.toThrow(/Not a user id/);
    await expect(invoke(INVOKE.saveSettings, { ...settings(), extra: 1 })).rejects.toThrow(
      /Unknown setting/,
    );
    await expect(invoke(INVOKE.saveSettings, settings({ editIntervalMs: 100 }))).rejects.toThrow(
      /interval/i,
    );
    await expect(invoke(INVOKE.saveSettings, 'nope')).rejects.toThrow(/must be an object/);
    await expect(invoke(INVOKE.setSecret, { name: 'apiKey', value: 'x' })).rejects.toThrow(
      /Unknown secret/,
    );
    await expect(
      invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: 'hello' }),
    ).rejects.toThrow(/not a bot token/);
    await expect(invoke(INVOKE.clearSecret, 'everything')).rejects.toThrow(/unknown secret/);
    await expect(invoke(INVOKE.setStartAtLogin, 'yes')).rejects.toThrow(/true or false/);
    await expect(invoke(INVOKE.copyLogs, 'verbose')).rejects.toThrow(/debug, info/);
    await expect(invoke(INVOKE.start, { now: true })).rejects.toThrow(/no payload/);
    await expect(invoke(INVOKE.getState, 1, 2)).rejects.toThrow(/at most one/);
    // Nothing was stored by the refused calls.
    expect(await invoke(INVOKE.getSettings)).toMatchObject({
      opencodePort: 4096,
      allowedUserIds: [],
    });
  });

  it('never leaks the secret into a refusal message', async () => {
    const { invoke } = boot();
    const bad = `${TOKEN}\n`;
    const err = await invoke(INVOKE.setSecret, {
      name: 'telegramBotToken',
      value: `x${bad}y`,
    }).catch((e: unknown) => e as Error);
    expect(String(err)).not.toContain(TOKEN);
  });

  it('saves settings and reads them back', async () => {
    const { invoke } = boot();
    const next = settings({
      allowedUserIds: [1, 2],
      opencodeMode: 'attach',
      opencodeUrl: 'http://127.0.0.1:5000/',
    });
    expect(await invoke(INVOKE.saveSettings, next)).toEqual({ ok: true });
    expect(await invoke(INVOKE.getSettings)).toEqual({
      ...next,
      opencodeUrl: 'http://127.0.0.1:5000',
    });
    expect(((await invoke(INVOKE.getState)) as AppState).attachCommand).toBe(
      'opencode attach http://127.0.0.1:5000',
    );
    await invoke(INVOKE.copyAttachCommand);
    expect(clipboard.text).toBe('opencode attach http://127.0.0.1:5000');
  });

  it('delivers "show logs" to a window that was still loading once it is ready', async () => {
    const { tray } = boot();
    FakeBrowserWindow.instances[0]!.destroyed = true;
    FakeBrowserWindow.instances[0]!.emit('closed');
    tray.emit('right-click');
    const menu = tray.menus[0] as { template: { label?: string; click?: () => void }[] };
    menu.template.find((i) => i.label === 'Show logs')!.click!();
    const fresh = FakeBrowserWindow.instances[1]!;
    expect(fresh.visible).toBe(true);
    expect(fresh.webContents.sent).toEqual([]);
    await ipcMain.invoke(INVOKE.rendererReady, ipcEventFrom(fresh.webContents));
    expect(fresh.webContents.sent).toContainEqual({ channel: PUSH.showTab, payload: 'logs' });
  });

  it('pushes state and log lines to the window', async () => {
    const { win, invoke } = boot();
    await invoke(INVOKE.saveSettings, settings());
    const states = win.webContents.sent.filter((m) => m.channel === PUSH.state);
    expect(states.length).toBeGreaterThan(0);
    expect(win.webContents.sent.some((m) => m.channel === PUSH.log)).toBe(true);
  });

  it('round-trips start at login through the OS settings', async () => {
    const { invoke } = boot();
    expect(await invoke(INVOKE.setStartAtLogin, true)).toEqual({ ok: true });
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
    expect(((await invoke(INVOKE.getState)) as AppState).startAtLogin).toBe(true);
    // Changed outside the app (System Settings): the app shows what the OS says.
    app.loginItem = { openAtLogin: false };
    expect(((await invoke(INVOKE.getState)) as AppState).startAtLogin).toBe(false);
  });

  it('does not register a login item from an unpackaged (dev) run', async () => {
    const { invoke } = boot();
    app.isPackaged = false;
    const result = (await invoke(INVOKE.setStartAtLogin, true)) as { ok: boolean };
    expect(result.ok).toBe(false);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('refuses to start with incomplete settings and names what is missing', async () => {
    const { invoke } = boot();
    const result = (await invoke(INVOKE.start)) as { ok: boolean; error: string };
    expect(result).toEqual({ ok: false, error: 'Fill in first: bot token, allowed user id.' });
    expect(FakeBridge.instances).toHaveLength(0);
  });
});

describe('away mode', () => {
  const started = async (patch: Partial<PublicSettings> = {}) => {
    const { invoke } = boot();
    await invoke(INVOKE.saveSettings, settings(patch));
    await invoke(INVOKE.setSecret, { name: 'telegramBotToken', value: TOKEN });
    await invoke(INVOKE.start);
    return { invoke, bridge: FakeBridge.instances.at(-1)! };
  };

  it('the window’s choice round-trips, and bad minutes are refused', async () => {
    const { invoke } = boot();
    expect(await invoke(INVOKE.getSettings)).toMatchObject({
      awayNotify: 'away',
      awayIdleMinutes: 5,
    });
    await invoke(INVOKE.saveSettings, settings({ awayNotify: 'always', awayIdleMinutes: 12 }));
    expect(await invoke(INVOKE.getSettings)).toMatchObject({
      awayNotify: 'always',
      awayIdleMinutes: 12,
    });
    await expect(invoke(INVOKE.saveSettings, settings({ awayIdleMinutes: 0 }))).rejects.toThrow(
      /Idle minutes must be/,
    );
    await expect(
      invoke(INVOKE.saveSettings, { ...settings(), awayNotify: 'sometimes' }),
    ).rejects.toThrow(/when desk sessions reach the phone/);
  });

  it('"when I’m away" hands the bridge the screen lock and idle time', async () => {
    const { bridge } = await started({ awayIdleMinutes: 10 });
    const presence = bridge.extras.presence!;
    const seen: boolean[] = [];
    presence.onChange((away) => seen.push(away));
    expect(presence.isAway()).toBe(false);
    powerMonitor.emit('lock-screen');
    expect(presence.isAway()).toBe(true);
    powerMonitor.emit('unlock-screen');
    powerMonitor.idleSeconds = 600;
    expect(presence.isAway()).toBe(true);
    expect(seen).toEqual([true, false]);
    expect(bridge.settings.notify).toBe('all');
  });

  it('"always" sends without asking the desk; "never" only follows chats’ own sessions', async () => {
    const always = await started({ awayNotify: 'always' });
    expect(always.bridge.extras.presence).toBeUndefined();
    expect(always.bridge.settings.notify).toBe('all');
    await always.invoke(INVOKE.stop);
    await always.invoke(INVOKE.saveSettings, settings({ awayNotify: 'never' }));
    await always.invoke(INVOKE.start);
    expect(FakeBridge.instances.at(-1)!.settings.notify).toBe('followed');
  });
});
