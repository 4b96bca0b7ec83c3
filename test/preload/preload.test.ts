import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contextBridge, ipcRenderer, resetElectronMock } from '../helpers/electron-mock';
import { createApi, type IpcPort } from '../../preload/api';
import {
  INVOKE,
  PUSH,
  type AssertCoverage,
  type InvokeChannel,
  type InvokeContract,
} from '../../preload/ipc-contract';

vi.mock('electron', async () => (await import('../helpers/electron-mock')).electronModule());

function fakePort() {
  const emitter = new EventEmitter();
  const invoke = vi.fn((_channel: string, ..._args: unknown[]) =>
    Promise.resolve({ ok: true } as unknown),
  );
  const port: IpcPort = {
    invoke,
    on: (channel, listener) => void emitter.on(channel, listener),
    removeListener: (channel, listener) => void emitter.removeListener(channel, listener),
  };
  return { port, invoke, emitter };
}

beforeEach(() => resetElectronMock());

describe('preload api', () => {
  it('maps each verb to its channel and payload', async () => {
    const { port, invoke } = fakePort();
    const api = createApi(port);
    const settings = {
      allowedUserIds: [1],
      allowedChatIds: [-1001234567890],
      opencodeMode: 'launch' as const,
      opencodeUrl: '',
      opencodePort: 4096,
      opencodeBinary: '',
      defaultProject: '',
      editIntervalMs: 1000,
      awayNotify: 'away' as const,
      awayIdleMinutes: 5,
      transcribeUrl: '',
      transcribeModel: 'whisper-1',
      transcribeLanguage: '',
      streaming: 'draft' as const,
      richMessages: true,
      telegramApiRoot: '',
    };
    await api.getState();
    await api.getLogs();
    await api.getSettings();
    await api.saveSettings(settings);
    await api.setSecret('telegramBotToken', 't');
    await api.clearSecret('opencodePassword');
    await api.start();
    await api.stop();
    await api.setStartAtLogin(true);
    await api.copyAttachCommand();
    await api.copyLogs('warn');
    await api.chooseProjectFolder();
    await api.ready();
    expect(invoke.mock.calls).toEqual([
      [INVOKE.getState],
      [INVOKE.getLogs],
      [INVOKE.getSettings],
      [INVOKE.saveSettings, settings],
      [INVOKE.setSecret, { name: 'telegramBotToken', value: 't' }],
      [INVOKE.clearSecret, 'opencodePassword'],
      [INVOKE.start],
      [INVOKE.stop],
      [INVOKE.setStartAtLogin, true],
      [INVOKE.copyAttachCommand],
      [INVOKE.copyLogs, 'warn'],
      [INVOKE.chooseProjectFolder],
      [INVOKE.rendererReady],
    ]);
    // Every invoke channel is reachable through a verb, and no verb reads a secret.
    const used = new Set(invoke.mock.calls.map((c) => c[0]));
    expect([...used].sort()).toEqual(Object.values(INVOKE).sort());
    expect(Object.keys(api).filter((k) => /^get(Secret|Token|Password)/.test(k))).toEqual([]);
  });

  it('passes only the payload to listeners, and on… returns the unsubscribe', () => {
    const { port, emitter } = fakePort();
    const api = createApi(port);
    const got: unknown[] = [];
    const off = api.onLog((entry) => got.push(entry));
    const fakeIpcEvent = { sender: { secret: 'ipcRenderer internals' } };
    emitter.emit(PUSH.log, fakeIpcEvent, { message: 'hello' });
    off();
    emitter.emit(PUSH.log, fakeIpcEvent, { message: 'after' });
    expect(got).toEqual([{ message: 'hello' }]);
    expect(emitter.listenerCount(PUSH.log)).toBe(0);

    const offState = api.onState(() => undefined);
    const offTab = api.onShowTab(() => undefined);
    expect(emitter.listenerCount(PUSH.state) + emitter.listenerCount(PUSH.showTab)).toBe(2);
    offState();
    offTab();
    expect(emitter.listenerCount(PUSH.state) + emitter.listenerCount(PUSH.showTab)).toBe(0);
  });

  it('exposes exactly one object, `bridge`, with functions only', async () => {
    await import('../../preload/index');
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const api = contextBridge.exposed.get('bridge') as Record<string, unknown>;
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
    await (api['getState'] as () => Promise<unknown>)();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(INVOKE.getState);
  });
});

describe('ipc contract', () => {
  it('names unique, prefixed channels', () => {
    const all = [...Object.values(INVOKE), ...Object.values(PUSH)];
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((c) => c.startsWith('opencode-bridge:'))).toBe(true);
  });

  it('covers every channel at compile time', () => {
    // @ts-expect-error a channel without a contract entry does not compile
    type Missing = AssertCoverage<'a' | 'b', { a: 1 }>;
    // An entry for a channel that does not exist collapses the contract to never.
    type Extra = AssertCoverage<'a', { a: 1; b: 2 }>;
    const extra: [Extra] extends [never] ? true : false = true;
    const missing: Missing | undefined = undefined;
    expect([extra, missing]).toEqual([true, undefined]);
    // A contract entry exists for every channel; tsc fails here if one is removed.
    const covered: Record<InvokeChannel, true> = Object.fromEntries(
      Object.values(INVOKE).map((c) => [c, true]),
    ) as Record<InvokeChannel, true>;
    type Requests = { [C in InvokeChannel]: InvokeContract[C]['request'] };
    const noRequest: Requests[typeof INVOKE.getState] = undefined;
    expect(noRequest).toBeUndefined();
    expect(Object.keys(covered)).toHaveLength(Object.keys(INVOKE).length);
  });
});
