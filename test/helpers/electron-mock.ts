// A hand-written stand-in for the `electron` module (fiddle, menubar): just enough behaviour for
// the main process and the preload, with every call observable. Install per test file with
//   vi.mock('electron', async () => (await import('../helpers/electron-mock')).electronModule());
//   vi.mock('electron-store', async () => (await import('../helpers/electron-mock')).electronStoreModule());
// and call resetElectronMock() in beforeEach.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { vi } from 'vitest';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export const fakeEvent = (): FakeEvent => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
});

// --- safeStorage: "encrypts" with a marker + XOR, so ciphertext never contains the plaintext ----

const MARK = Buffer.from('MOCK-ENCRYPTED:');
const xor = (buf: Buffer): Buffer => Buffer.from(buf.map((b) => b ^ 0x5a));

export const safeStorage = {
  available: true,
  isEncryptionAvailable: vi.fn(() => safeStorage.available),
  encryptString: vi.fn((plain: string) => {
    if (!safeStorage.available) throw new Error('Encryption is not available.');
    return Buffer.concat([MARK, xor(Buffer.from(plain, 'utf8'))]);
  }),
  decryptString: vi.fn((encrypted: Buffer) => {
    if (!encrypted.subarray(0, MARK.length).equals(MARK)) throw new Error('not our ciphertext');
    return xor(encrypted.subarray(MARK.length)).toString('utf8');
  }),
};

export function isMockCiphertext(base64: string): boolean {
  return Buffer.from(base64, 'base64').subarray(0, MARK.length).equals(MARK);
}

// --- app ------------------------------------------------------------------------------------------

class FakeApp extends EventEmitter {
  lock = true;
  isPackaged = true;
  quitCalls = 0;
  exited = false;
  /** Set once a quit went through without a before-quit handler preventing it. */
  quitted = false;
  loginItem = { openAtLogin: false };
  userData = '';
  dock = { hide: vi.fn() };
  requestSingleInstanceLock = vi.fn(() => this.lock);
  whenReady = vi.fn(() => Promise.resolve());
  getVersion = vi.fn(() => '0.1.0');
  getPath = vi.fn((_name: string) => this.userData);
  getLoginItemSettings = vi.fn(() => ({ ...this.loginItem }));
  setLoginItemSettings = vi.fn((settings: { openAtLogin: boolean }) => {
    this.loginItem = { openAtLogin: settings.openAtLogin };
  });
  exit = vi.fn(() => {
    this.exited = true;
  });
  /** Like Electron: emits before-quit, and quits unless a handler prevented it. */
  quit = vi.fn(() => {
    this.quitCalls++;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  });
}

// --- windows and webContents ----------------------------------------------------------------------

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = { url: 'file:///out/renderer/index.html', parent: null };
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  send = vi.fn((channel: string, payload: unknown) => {
    this.sent.push({ channel, payload });
  });
  setWindowOpenHandler = vi.fn((handler: (details: { url: string }) => { action: string }) => {
    this.windowOpenHandler = handler;
  });
  isDestroyed = vi.fn(() => false);
  isDevToolsOpened = vi.fn(() => false);
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  position: [number, number] = [0, 0];
  loaded: string | undefined;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadFile = vi.fn((file: string) => {
    this.loaded = file;
    return Promise.resolve();
  });
  loadURL = vi.fn((url: string) => {
    this.loaded = url;
    return Promise.resolve();
  });
  show = vi.fn(() => {
    this.visible = true;
  });
  hide = vi.fn(() => {
    this.visible = false;
  });
  focus = vi.fn();
  isVisible = vi.fn(() => this.visible);
  isDestroyed = vi.fn(() => this.destroyed);
  setPosition = vi.fn((x: number, y: number) => {
    this.position = [x, y];
  });
  setVisibleOnAllWorkspaces = vi.fn();
}

// --- tray, menu, images ---------------------------------------------------------------------------

export interface FakeImage {
  path: string;
  template: boolean;
  setTemplateImage(flag: boolean): void;
}

export const nativeImage = {
  createFromPath: vi.fn((file: string): FakeImage => ({
    path: file,
    template: false,
    setTemplateImage(flag: boolean) {
      this.template = flag;
    },
  })),
};

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: FakeImage;
  tooltip = '';
  menus: unknown[] = [];
  destroyed = false;
  constructor(image: FakeImage) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage = vi.fn((image: FakeImage) => {
    this.image = image;
  });
  setToolTip = vi.fn((text: string) => {
    this.tooltip = text;
  });
  setIgnoreDoubleClickEvents = vi.fn();
  popUpContextMenu = vi.fn((menu: unknown) => {
    this.menus.push(menu);
  });
  getBounds = vi.fn(() => ({ x: 1000, y: 0, width: 24, height: 24 }));
  destroy = vi.fn(() => {
    this.destroyed = true;
  });
}

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
};

// --- ipc --------------------------------------------------------------------------------------------

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle: vi.fn((channel: string, handler: InvokeHandler) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcMain.handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => ipcMain.handlers.delete(channel)),
  on: vi.fn(),
  /** Calls a registered handler the way ipcRenderer.invoke would (always async). */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = ipcMain.handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return await handler(event, ...args);
  },
};

/** The event a message from `contents`' top frame carries. */
export const ipcEventFrom = (contents: FakeWebContents) => ({
  sender: contents,
  senderFrame: contents.mainFrame,
});

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: vi.fn((_channel: string, ..._args: unknown[]) => Promise.resolve(undefined as unknown)),
});

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

// --- the rest ---------------------------------------------------------------------------------------

export const clipboard = {
  text: '',
  writeText: vi.fn((text: string) => {
    clipboard.text = text;
  }),
};

export const dialog = {
  showOpenDialog: vi.fn(() => Promise.resolve({ canceled: false, filePaths: ['/Users/me/code'] })),
  showErrorBox: vi.fn(),
};

export const session = {
  defaultSession: {
    permissionHandler: undefined as
      | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void)
      | undefined,
    setPermissionRequestHandler: vi.fn(
      (
        handler: (
          contents: unknown,
          permission: string,
          callback: (granted: boolean) => void,
        ) => void,
      ) => {
        session.defaultSession.permissionHandler = handler;
      },
    ),
  },
};

export const shell = { openExternal: vi.fn(() => Promise.resolve()) };

export const screen = {
  getDisplayNearestPoint: vi.fn(() => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } })),
};

export const app = new FakeApp();

/**
 * Emits 'suspend'/'resume' when a test says the machine slept and woke, 'lock-screen'/
 * 'unlock-screen' when it locks; `idleSeconds` is what getSystemIdleTime() answers.
 */
export const powerMonitor = Object.assign(new EventEmitter(), {
  idleSeconds: 0,
  getSystemIdleTime: vi.fn((): number => powerMonitor.idleSeconds),
});

export function resetElectronMock(): void {
  app.removeAllListeners();
  powerMonitor.removeAllListeners();
  powerMonitor.idleSeconds = 0;
  app.lock = true;
  app.isPackaged = true;
  app.quitCalls = 0;
  app.quitted = false;
  app.exited = false;
  app.loginItem = { openAtLogin: false };
  app.userData = mkdtempSync(path.join(os.tmpdir(), 'ocb-userdata-'));
  safeStorage.available = true;
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  contextBridge.exposed.clear();
  clipboard.text = '';
  vi.clearAllMocks();
}

export function electronModule() {
  const mod = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu,
    nativeImage,
    ipcMain,
    ipcRenderer,
    contextBridge,
    safeStorage,
    clipboard,
    dialog,
    shell,
    screen,
    session,
    powerMonitor,
  };
  return { ...mod, default: mod };
}

/** electron-store is conf plus Electron's paths; here the paths come from the fake app. */
export function electronStoreModule() {
  class FakeElectronStore<T extends Record<string, unknown>> extends Conf<T> {
    constructor(options: Record<string, unknown> & { name?: string }) {
      const { name, ...rest } = options;
      super({
        ...rest,
        configName: name ?? 'config',
        cwd: app.userData,
        projectVersion: app.getVersion(),
      });
    }
  }
  return { default: FakeElectronStore };
}
