// The window in real headless Chromium: the renderer is built with Vite, served from loopback, and
// given a stub of the preload API that records calls and lets the test push state and log lines.
import { existsSync, mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialStatus, type BridgeStatus, type LogEntry } from '../../main/core/status';
import { DEFAULT_SETTINGS } from '../../main/app/settings-store';
import type { AppState, PublicSettings } from '../../preload/ipc-contract';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, 'assets', 'screenshots');
const TOKEN = '123456789:AAHsecretTOKENvalue_abcdefghijklmn';

const initialState: AppState = {
  status: initialStatus,
  tray: 'stopped',
  secrets: { telegramBotToken: false, opencodePassword: false, transcribeKey: false },
  encryptionAvailable: true,
  startAtLogin: false,
  missing: ['bot token', 'allowed user id'],
  attachCommand: 'opencode attach http://127.0.0.1:4096',
  busy: false,
  restartNeeded: false,
};

const initialSettings: PublicSettings = DEFAULT_SETTINGS;

const runningStatus: BridgeStatus = {
  running: true,
  telegram: { kind: 'connected', botUsername: 'my_opencode_bot' },
  opencode: { kind: 'connected', url: 'http://127.0.0.1:4100', version: '1.18.33' },
  sessions: [],
};

/** Plain JS run before the page's scripts: what the preload would expose as window.bridge. */
const stubScript = (state: AppState, settings: PublicSettings, running: BridgeStatus) => `
(() => {
  let state = ${JSON.stringify(state)};
  let settings = ${JSON.stringify(settings)};
  const running = ${JSON.stringify(running)};
  const stopped = ${JSON.stringify(initialStatus)};
  const logs = [];
  const calls = [];
  const listeners = { state: new Set(), log: new Set(), tab: new Set() };
  const record = (name, ...args) => calls.push({ name, args });
  const missing = () => [
    ...(state.secrets.telegramBotToken ? [] : ['bot token']),
    ...(settings.allowedUserIds.length > 0 ? [] : ['allowed user id']),
  ];
  const emit = (patch) => {
    state = { ...state, ...patch };
    state.missing = missing();
    for (const l of listeners.state) l(state);
  };
  const sub = (set, l) => (set.add(l), () => set.delete(l));
  const ok = { ok: true };
  window.__calls = calls;
  window.__pushLog = (entry) => { logs.push(entry); for (const l of listeners.log) l(entry); };
  window.__pushState = (patch) => emit(patch);
  window.__pushStatus = (patch) => emit({ status: { ...state.status, ...patch } });
  window.bridge = {
    getState: async () => state,
    onState: (l) => sub(listeners.state, l),
    getLogs: async () => [...logs],
    onLog: (l) => sub(listeners.log, l),
    onShowTab: (l) => sub(listeners.tab, l),
    getSettings: async () => settings,
    saveSettings: async (s) => { record('saveSettings', s); settings = s; emit({}); return ok; },
    setSecret: async (name, value) => {
      record('setSecret', name, value);
      emit({ secrets: { ...state.secrets, [name]: true } });
      return ok;
    },
    clearSecret: async (name) => {
      record('clearSecret', name);
      emit({ secrets: { ...state.secrets, [name]: false } });
      return ok;
    },
    start: async () => {
      record('start');
      emit({ busy: true });
      await new Promise((r) => setTimeout(r, 50));
      emit({ busy: false, status: running, tray: 'idle' });
      return ok;
    },
    stop: async () => {
      record('stop');
      emit({ status: stopped, tray: 'stopped' });
      return ok;
    },
    setStartAtLogin: async (on) => { record('setStartAtLogin', on); emit({ startAtLogin: on }); return ok; },
    copyAttachCommand: async () => { record('copyAttachCommand'); return ok; },
    copyLogs: async (level) => { record('copyLogs', level); return ok; },
    chooseProjectFolder: async () => { record('chooseProjectFolder'); return '/Users/me/code/app'; },
    ready: async () => { record('ready'); },
  };
})();
`;

let server: Server;
let baseUrl: string;
let browser: Browser;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is required at ${CHROMIUM} (Debian: apt-get install chromium).`);
  }
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ocb-renderer-'));
  await build({
    configFile: path.join(ROOT, 'vite.renderer.config.mts'),
    build: { outDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  server = createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.normalize(path.join(outDir, urlPath === '/' ? 'index.html' : urlPath));
    if (!file.startsWith(outDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no server address');
  baseUrl = `http://127.0.0.1:${address.port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function openWindow(state = initialState, settings = initialSettings) {
  const page = await browser.newPage({ viewport: { width: 360, height: 520 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  await page.addInitScript({ content: stubScript(state, settings, runningStatus) });
  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'OpenCode Bridge' }).waitFor();
  return { page, problems };
}

type Call = { name: string; args: unknown[] };
const calls = (page: Page) => page.evaluate<Call[]>('window.__calls');
const pushLog = (page: Page, entry: LogEntry) =>
  page.evaluate(`window.__pushLog(${JSON.stringify(entry)})`);

describe('window (headless Chromium)', () => {
  it('validates and saves settings, keeps secrets write-only, starts, streams logs', async () => {
    const { page, problems } = await openWindow();

    // Status says what is missing; Start is disabled until then.
    await expect
      .poll(() => page.getByRole('note').first().textContent())
      .toContain('bot token, allowed user id');
    expect(await page.getByRole('button', { name: 'Start' }).isDisabled()).toBe(true);

    // Arrow keys move between tabs.
    await page.getByRole('tab', { name: 'Status' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected')).toBe(
      'true',
    );

    // Secrets: empty fields that only say whether a value is saved.
    const token = page.getByLabel('Telegram bot token', { exact: true });
    const password = page.getByLabel('OpenCode server password', { exact: true });
    expect(await token.inputValue()).toBe('');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await page.getByTestId('telegramBotToken-status').textContent()).toBe('not set');
    expect(await page.getByTestId('opencodePassword-status').textContent()).toBe('not set');

    // Bad input is refused at the field.
    const userIds = page.getByLabel('Allowed Telegram user ids', { exact: true });
    const port = page.getByLabel('Port', { exact: true });
    const groups = page.getByLabel('Allowed groups', { exact: true });
    await userIds.fill('12345, abc');
    await groups.fill('-1001234567890, 4242');
    await port.fill('80');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await userIds.getAttribute('aria-invalid')).toBe('true');
    expect(await userIds.getAttribute('aria-describedby')).toContain(
      'setting-allowedUserIds-error',
    );
    expect(await page.locator('#setting-allowedUserIds-error').textContent()).toContain(
      'Not a user id: "abc"',
    );
    // A user id typed into the groups field: group ids are negative.
    expect(await groups.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#setting-allowedChatIds-error').textContent()).toContain(
      'Not a group id: "4242"',
    );
    expect(await port.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#setting-opencodePort-error').textContent()).toContain(
      'from 1024 to 65535',
    );
    expect(
      await page
        .getByLabel('Allowed Telegram user ids', { exact: true })
        .evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement),
    ).toBe(true);
    expect((await calls(page)).filter((c) => c.name === 'saveSettings')).toEqual([]);
    // The hint says how to find one's id.
    expect(await page.locator('#setting-allowedUserIds-hint').textContent()).toContain(
      '@userinfobot',
    );

    expect(await page.locator('#setting-allowedChatIds-hint').textContent()).toContain(
      'leaves any other group',
    );

    await userIds.fill('12345, 678');
    expect(await userIds.getAttribute('aria-invalid')).toBe('false');
    await groups.fill('-1001234567890, -4567');
    await port.fill('4100');
    await page.getByRole('button', { name: 'Choose…' }).click();
    await expect
      .poll(() => page.getByLabel('Project folder', { exact: true }).inputValue())
      .toBe('/Users/me/code/app');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = (await calls(page)).filter((c) => c.name === 'saveSettings');
    expect(saved).toHaveLength(1);
    expect(saved[0]!.args[0]).toEqual({
      ...initialSettings,
      allowedUserIds: [12345, 678],
      allowedChatIds: [-1001234567890, -4567],
      opencodePort: 4100,
      defaultProject: '/Users/me/code/app',
    });

    // A bad token is refused locally; a good one is sent once and the field empties.
    await token.fill('hello');
    await page.getByRole('button', { name: 'Save Telegram bot token' }).click();
    expect(await page.locator('#secret-telegramBotToken-error').textContent()).toContain(
      'not a bot token',
    );
    await token.fill(TOKEN);
    await page.getByRole('button', { name: 'Save Telegram bot token' }).click();
    await expect
      .poll(() => page.getByTestId('telegramBotToken-status').textContent())
      .toBe('saved');
    expect(await token.inputValue()).toBe('');
    expect((await calls(page)).filter((c) => c.name === 'setSecret')).toEqual([
      { name: 'setSecret', args: ['telegramBotToken', TOKEN] },
    ]);
    expect(await page.getByTestId('opencodePassword-status').textContent()).toBe('not set');
    expect(await password.inputValue()).toBe('');
    expect(await page.content()).not.toContain(TOKEN);

    // Attach mode shows the URL field and checks it.
    await page.getByLabel('Attach to a running server', { exact: true }).check();
    const url = page.getByLabel('Server URL', { exact: true });
    await url.fill('ftp://example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.locator('#setting-opencodeUrl-error').textContent()).toContain('http://');
    await page.getByLabel('Launch it', { exact: true }).check();

    await page.getByLabel('Start at login', { exact: true }).check();
    expect(
      (await calls(page)).some((c) => c.name === 'setStartAtLogin' && c.args[0] === true),
    ).toBe(true);

    // Start.
    await page.getByRole('tab', { name: 'Status' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    expect(await page.getByText('Connected as @my_opencode_bot').count()).toBe(1);
    await page.evaluate(
      `window.__pushStatus({ sessions: [{ sessionId: 's1', title: 'Fix flaky tests', place: 'private chat 12345', busy: false, waitingForUser: true }] })`,
    );
    await page.getByText('1 waiting for you').waitFor();

    // Logs stream in, newest last, filtered, copied, capped.
    await page.getByRole('tab', { name: 'Logs' }).click();
    const base = Date.parse('2025-01-01T10:00:00Z');
    await pushLog(page, {
      time: base,
      level: 'info',
      scope: 'telegram',
      message: 'polling started',
    });
    await pushLog(page, {
      time: base + 1,
      level: 'debug',
      scope: 'opencode',
      message: 'sse event',
    });
    await pushLog(page, {
      time: base + 2,
      level: 'error',
      scope: 'bridge',
      message: 'edit failed',
    });
    const lines = page.locator('li.log');
    await expect.poll(() => lines.count()).toBe(2);
    expect(await lines.last().textContent()).toContain('edit failed');
    await page.getByLabel('Show', { exact: true }).selectOption('debug');
    await expect.poll(() => lines.count()).toBe(3);
    await page.getByLabel('Show', { exact: true }).selectOption('error');
    await expect.poll(() => lines.count()).toBe(1);
    await page.getByRole('button', { name: 'Copy' }).click();
    expect((await calls(page)).filter((c) => c.name === 'copyLogs')).toEqual([
      { name: 'copyLogs', args: ['error'] },
    ]);
    await page.getByLabel('Show', { exact: true }).selectOption('debug');
    await page.evaluate(
      `for (let i = 0; i < 600; i++) window.__pushLog({ time: ${base} + 10 + i, level: 'info', scope: 'bridge', message: 'line ' + i })`,
    );
    await expect.poll(() => lines.count()).toBe(500);
    expect(await lines.last().textContent()).toContain('line 599');

    // Stop.
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start' }).waitFor();
    expect((await calls(page)).map((c) => c.name)).toEqual(
      expect.arrayContaining(['ready', 'start', 'stop']),
    );

    expect(problems).toEqual([]);
    await page.close();
  });

  it('away mode: the choice and its idle minutes are saved, and shown again when reopened', async () => {
    const { page, problems } = await openWindow(initialState, {
      ...initialSettings,
      allowedUserIds: [42],
    });
    await page.getByRole('tab', { name: 'Settings' }).click();
    const away = page.getByRole('radio', { name: 'When I’m away' });
    expect(await away.isChecked()).toBe(true);
    const minutes = page.getByLabel('Away after idle (minutes)', { exact: true });
    expect(await minutes.inputValue()).toBe('5');

    await minutes.fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.locator('#setting-awayIdleMinutes-error').textContent()).toContain(
      'from 1 to 240',
    );
    await minutes.fill('15');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('radio', { name: 'Never' }).check();
    expect(await minutes.count()).toBe(0);
    await page.getByRole('button', { name: 'Save settings' }).click();
    const saved = (await calls(page)).filter((c) => c.name === 'saveSettings');
    expect(saved.map((c) => c.args[0])).toEqual([
      { ...initialSettings, allowedUserIds: [42], awayIdleMinutes: 15 },
      { ...initialSettings, allowedUserIds: [42], awayIdleMinutes: 15, awayNotify: 'never' },
    ]);

    // Reopened with what was saved.
    const again = await openWindow(initialState, saved[1]!.args[0] as PublicSettings);
    await again.page.getByRole('tab', { name: 'Settings' }).click();
    expect(await again.page.getByRole('radio', { name: 'Never' }).isChecked()).toBe(true);
    expect(problems).toEqual([]);
    expect(again.problems).toEqual([]);
    await page.close();
    await again.page.close();
  });

  it('shows saved secrets as "saved" without prefilling them', async () => {
    const { page } = await openWindow(
      {
        ...initialState,
        secrets: { telegramBotToken: true, opencodePassword: true, transcribeKey: false },
        missing: [],
      },
      { ...initialSettings, allowedUserIds: [1] },
    );
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(await page.getByTestId('telegramBotToken-status').textContent()).toBe('saved');
    expect(await page.getByTestId('opencodePassword-status').textContent()).toBe('saved');
    expect(await page.getByLabel('Telegram bot token', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('OpenCode server password', { exact: true }).inputValue()).toBe(
      '',
    );
    await page.getByRole('button', { name: 'Clear OpenCode server password' }).click();
    await expect
      .poll(() => page.getByTestId('opencodePassword-status').textContent())
      .toBe('not set');
    await page.close();
  });

  it('has a Voice messages section: endpoint checked like OpenCode’s URL, key write-only', async () => {
    const { page, problems } = await openWindow(initialState, {
      ...initialSettings,
      allowedUserIds: [1],
    });
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(await page.getByRole('group', { name: 'Voice messages' }).textContent()).toContain(
      'The audio goes only to this endpoint',
    );
    const url = page.getByLabel('Transcription URL (optional)', { exact: true });
    const model = page.getByLabel('Model', { exact: true });
    const language = page.getByLabel('Language (optional)', { exact: true });
    expect(await model.inputValue()).toBe('whisper-1');

    await url.fill('http://192.168.1.20:8080/v1');
    await language.fill('english');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#setting-transcribeUrl-error').textContent()).toContain(
      'would travel in clear',
    );
    expect(await page.locator('#setting-transcribeLanguage-error').textContent()).toContain(
      'language code',
    );
    expect((await calls(page)).filter((c) => c.name === 'saveSettings')).toEqual([]);

    await url.fill('http://127.0.0.1:8080/v1');
    await language.fill('en');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await calls(page)).filter((c) => c.name === 'saveSettings')[0]!.args[0]).toEqual({
      ...initialSettings,
      allowedUserIds: [1],
      transcribeUrl: 'http://127.0.0.1:8080/v1',
      transcribeModel: 'whisper-1',
      transcribeLanguage: 'en',
    });

    const key = page.getByLabel('Transcription API key (voice messages)', { exact: true });
    expect(await key.getAttribute('type')).toBe('password');
    expect(await page.getByTestId('transcribeKey-status').textContent()).toBe('not set');
    await key.fill('sk-proj-voice-key-0123456789');
    await page.getByRole('button', { name: 'Save Transcription API key (voice messages)' }).click();
    await expect.poll(() => page.getByTestId('transcribeKey-status').textContent()).toBe('saved');
    expect(await key.inputValue()).toBe('');
    expect(await page.content()).not.toContain('sk-proj-voice-key-0123456789');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('has an "Answers on the phone" section: drafts or edits, rich or HTML, the Bot API server under Advanced', async () => {
    const { page, problems } = await openWindow(initialState, {
      ...initialSettings,
      allowedUserIds: [1],
    });
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(
      await page.getByRole('radio', { name: /Live draft with a Stop button/ }).isChecked(),
    ).toBe(true);
    const rich = page.getByRole('checkbox', { name: /Rich messages/ });
    expect(await rich.isChecked()).toBe(true);
    const root = page.getByLabel('Bot API server (optional)', { exact: true });
    expect(await root.isVisible()).toBe(false);
    await page.getByText('Advanced', { exact: true }).click();
    await root.fill('http://10.0.0.7:8081');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.locator('#setting-telegramApiRoot-error').textContent()).toContain(
      'the bot token would travel in clear',
    );
    expect((await calls(page)).filter((c) => c.name === 'saveSettings')).toEqual([]);

    await root.fill('http://127.0.0.1:8081/');
    await page.getByRole('radio', { name: /Edit one message in place/ }).check();
    await rich.uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await calls(page)).filter((c) => c.name === 'saveSettings')[0]!.args[0]).toEqual({
      ...initialSettings,
      allowedUserIds: [1],
      streaming: 'edit',
      richMessages: false,
      telegramApiRoot: 'http://127.0.0.1:8081',
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('takes screenshots at 360×520 in light and dark mode', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const running: AppState = {
      ...initialState,
      status: {
        ...runningStatus,
        sessions: [
          {
            sessionId: 's1',
            title: 'Fix flaky tests',
            place: 'private chat 12345',
            busy: false,
            waitingForUser: true,
          },
          {
            sessionId: 's2',
            title: 'Refactor the SSE client',
            place: "topic 'SSE' in Dev",
            busy: true,
            waitingForUser: false,
          },
        ],
      },
      tray: 'waiting',
      secrets: { telegramBotToken: true, opencodePassword: false, transcribeKey: false },
      missing: [],
      attachCommand: 'opencode attach http://127.0.0.1:4100',
    };
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, problems } = await openWindow(running, {
        ...initialSettings,
        allowedUserIds: [12345],
      });
      await page.emulateMedia({ colorScheme });
      await page.getByText('Fix flaky tests').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `window-${colorScheme}.png`) });
      // Not committed: for looking at the other tabs while working on the styles.
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByLabel('Allowed Telegram user ids', { exact: true }).fill('abc');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.screenshot({
        path: path.join(os.tmpdir(), `ocb-settings-${colorScheme}.png`),
        fullPage: true,
      });
      await page.getByRole('tab', { name: 'Logs' }).click();
      await pushLog(page, {
        time: Date.now(),
        level: 'info',
        scope: 'telegram',
        message: 'Connected as @my_opencode_bot',
      });
      await pushLog(page, {
        time: Date.now(),
        level: 'warn',
        scope: 'opencode',
        message: 'SSE reconnecting in 2 s',
      });
      await pushLog(page, {
        time: Date.now(),
        level: 'error',
        scope: 'bridge',
        message: 'editMessageText failed: 429 Too Many Requests',
      });
      await page.screenshot({ path: path.join(os.tmpdir(), `ocb-logs-${colorScheme}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    }
    expect(existsSync(path.join(SCREENSHOTS, 'window-light.png'))).toBe(true);
    expect(existsSync(path.join(SCREENSHOTS, 'window-dark.png'))).toBe(true);
  });
});
