import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeBrowserWindow,
  FakeWebContents,
  fakeEvent,
  resetElectronMock,
  shell,
} from '../helpers/electron-mock';
import {
  createWindowManager,
  hardenWebContents,
  isExternalWebUrl,
  windowPosition,
} from '../../main/app/window';
import type { WebContents } from 'electron';

vi.mock('electron', async () => (await import('../helpers/electron-mock')).electronModule());

const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => resetElectronMock());

describe('window', () => {
  it('is created hardened: context isolation, sandbox, no node', () => {
    const windows = createWindowManager({
      preloadPath: '/out/preload/index.cjs',
      renderer: { file: '/out/renderer/index.html' },
      logger,
    });
    windows.show();
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options['webPreferences']).toMatchObject({
      preload: '/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win.loaded).toBe('/out/renderer/index.html');
    expect(win.options).toMatchObject({ width: 360, height: 520, frame: false, show: false });
  });

  it('hides on blur, and a tray click right after does not reopen it', () => {
    let now = 1000;
    const windows = createWindowManager({
      preloadPath: 'p',
      renderer: { file: 'f' },
      logger,
      now: () => now,
    });
    const bounds = { x: 100, y: 0, width: 20, height: 22 };
    windows.toggle(bounds);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.visible).toBe(true);
    win.emit('blur');
    expect(win.visible).toBe(false);
    now += 50;
    windows.toggle(bounds); // the click that caused the blur
    expect(win.visible).toBe(false);
    now += 1000;
    windows.toggle(bounds);
    expect(win.visible).toBe(true);
  });

  it('is re-created after being closed', () => {
    const windows = createWindowManager({ preloadPath: 'p', renderer: { file: 'f' }, logger });
    windows.show();
    const first = FakeBrowserWindow.instances[0]!;
    first.destroyed = true;
    first.emit('closed');
    windows.show();
    expect(FakeBrowserWindow.instances).toHaveLength(2);
  });

  it('only trusts its own top frame', () => {
    const windows = createWindowManager({ preloadPath: 'p', renderer: { file: 'f' }, logger });
    windows.show();
    const own = FakeBrowserWindow.instances[0]!.webContents;
    const asWc = (c: FakeWebContents) => c as unknown as WebContents;
    expect(windows.isOwnSender({ sender: asWc(own), senderFrame: own.mainFrame })).toBe(true);
    expect(windows.isOwnSender({ sender: asWc(own), senderFrame: { parent: own.mainFrame } })).toBe(
      false,
    );
    const other = new FakeWebContents();
    expect(windows.isOwnSender({ sender: asWc(other), senderFrame: other.mainFrame })).toBe(false);
  });

  it('holds pushes until the page says it listens, and again after a reload', () => {
    const windows = createWindowManager({ preloadPath: 'p', renderer: { file: 'f' }, logger });
    windows.show();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    windows.send('opencode-bridge:show-tab', 'logs');
    expect(contents.send).not.toHaveBeenCalled();
    windows.markReady();
    expect(contents.sent).toEqual([{ channel: 'opencode-bridge:show-tab', payload: 'logs' }]);
    windows.send('opencode-bridge:show-tab', 'status');
    expect(contents.sent).toHaveLength(2);
    contents.emit('did-start-loading');
    windows.send('opencode-bridge:show-tab', 'settings');
    expect(contents.sent).toHaveLength(2);
  });

  it('centres under the tray icon and stays on screen', () => {
    const area = { x: 0, y: 25, width: 1440, height: 875 };
    expect(
      windowPosition({ x: 700, y: 0, width: 24, height: 24 }, { width: 360, height: 520 }, area),
    ).toEqual({ x: 532, y: 25 });
    expect(
      windowPosition({ x: 1420, y: 0, width: 24, height: 24 }, { width: 360, height: 520 }, area),
    ).toEqual({ x: 1080, y: 25 });
    expect(
      windowPosition({ x: 2, y: 0, width: 24, height: 24 }, { width: 360, height: 520 }, area),
    ).toEqual({ x: 0, y: 25 });
  });
});

describe('hardenWebContents', () => {
  it('denies new windows (web links go to the browser) and blocks navigation and webviews', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as unknown as WebContents, logger);
    expect(contents.windowOpenHandler!({ url: 'https://t.me/userinfobot' })).toEqual({
      action: 'deny',
    });
    expect(shell.openExternal).toHaveBeenCalledWith('https://t.me/userinfobot');
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);

    const nav = fakeEvent();
    contents.emit('will-navigate', nav, 'https://evil.example');
    expect(nav.defaultPrevented).toBe(true);
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('opens only http(s) externally', () => {
    expect(isExternalWebUrl('https://example.com')).toBe(true);
    expect(isExternalWebUrl('javascript:alert(1)')).toBe(false);
    expect(isExternalWebUrl('smb://host/share')).toBe(false);
    expect(isExternalWebUrl('not a url')).toBe(false);
  });
});
