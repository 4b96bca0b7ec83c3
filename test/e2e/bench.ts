// The end-to-end bench: a scripted model server, the real `opencode serve` pointed at it, the fake
// Telegram Bot API server, and helpers to run the headless bridge against them.
import { mkdtemp, readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBridge, type BridgeProcess } from '../support/bridge-process';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';
import type { MessageView } from '../support/fake-telegram';
import { startModelServer, type ModelServer } from '../support/model-server';
import { startOpencode, type OpencodeInstance } from '../support/opencode';

export const OWNER = { id: 4242, first_name: 'Ada', username: 'ada' };
export const STRANGER = { id: 6666, first_name: 'Mallory' };

export interface Bench {
  model: ModelServer;
  opencode: OpencodeInstance;
  telegram: FakeTelegram;
  close(): Promise<void>;
}

export async function startBench(
  options: {
    telegram?: Parameters<typeof startFakeTelegram>[0];
    /** Deep-merged over the bench's OpenCode config (e.g. a second model). */
    opencodeConfig?: Record<string, unknown>;
  } = {},
): Promise<Bench> {
  const model = await startModelServer();
  const [opencode, telegram] = await Promise.all([
    startOpencode({
      modelBaseUrl: model.baseUrl,
      ...(options.opencodeConfig ? { config: options.opencodeConfig } : {}),
    }),
    startFakeTelegram(options.telegram ?? {}),
  ]);
  telegram.addPrivateChat(OWNER);
  telegram.addPrivateChat(STRANGER);
  return {
    model,
    opencode,
    telegram,
    async close() {
      await Promise.allSettled([opencode.stop(), telegram.close(), model.close()]);
    },
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** The environment `npm run bridge` needs to attach to the bench. */
export function bridgeEnv(
  bench: Bench,
  stateDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: bench.telegram.token,
    TELEGRAM_ALLOWED_USERS: String(OWNER.id),
    TELEGRAM_API_ROOT: bench.telegram.apiRoot,
    OPENCODE_URL: bench.opencode.url,
    OPENCODE_SERVER_PASSWORD: bench.opencode.password,
    BRIDGE_DEFAULT_PROJECT: bench.opencode.dirs.project,
    BRIDGE_STATE_DIR: stateDir,
    BRIDGE_EDIT_INTERVAL_MS: '1000',
    ...extra,
  };
}

/** Resolves once the bridge says it is connected to Telegram and to OpenCode's event stream. */
export async function untilConnected<B extends BridgeProcess>(bridge: B): Promise<B> {
  await bridge.waitForLine(/Connected to Telegram as @/);
  await bridge.waitForLine(/Connected to the OpenCode event stream/);
  return bridge;
}

/** The owner's private chat as a bridge's state file records it. */
export async function chatStateOf(
  stateDir: string,
): Promise<{ sessionId?: string; directory: string } | undefined> {
  const state = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8')) as {
    chats: Record<string, { sessionId?: string; directory: string } | undefined>;
  };
  return state.chats[String(OWNER.id)];
}

/** The session the owner's private chat talks to, as the bridge's state file records it. */
export async function sessionOf(stateDir: string): Promise<string> {
  const id = (await chatStateOf(stateDir))?.sessionId;
  if (!id) throw new Error('the chat has no session');
  return id;
}

/** The text parts of the user messages OpenCode stored in a session, oldest first. */
export async function userTextsOf(bench: Bench, sessionId: string): Promise<string[]> {
  const history = await bench.opencode.json<
    Array<{ info: { role: string }; parts: Array<{ type: string; text?: string }> }>
  >(`/session/${sessionId}/message`);
  return history
    .filter((m) => m.info.role === 'user')
    .flatMap((m) => m.parts.filter((p) => p.type === 'text').map((p) => p.text ?? ''));
}

/** Bot messages in a chat whose text (as the phone shows it) matches, e.g. the notice. */
export function botMessages(
  telegram: FakeTelegram,
  chatId: number,
  pattern?: RegExp,
): MessageView[] {
  return telegram
    .messages(chatId)
    .filter((m) => m.fromBot && (!pattern || pattern.test(m.plainText)));
}

export async function waitForNotice(
  telegram: FakeTelegram,
  chatId: number,
  count = 1,
  timeoutMs = 60_000,
): Promise<void> {
  await telegram.waitFor(() => botMessages(telegram, chatId, /^(✅|⚠️|⏹)/u).length >= count, {
    timeoutMs,
  });
}

/**
 * One bench for a test file: started before its tests, closed after them. The returned object
 * reads through to the running bench, so tests use it as a plain `Bench`.
 */
export function useBench(options?: Parameters<typeof startBench>[0]): Bench {
  let started: Bench | undefined;
  beforeAll(async () => {
    started = await startBench(options);
  }, 180_000);
  afterAll(async () => started?.close());
  const current = (): Bench => {
    if (!started) throw new Error('the bench is not started yet (use it inside a test or hook)');
    return started;
  };
  return {
    get model() {
      return current().model;
    },
    get opencode() {
      return current().opencode;
    },
    get telegram() {
      return current().telegram;
    },
    close: () => current().close(),
  };
}

export interface BenchBridge extends BridgeProcess {
  readonly stateDir: string;
}

export interface BridgeOptions {
  /** Defaults to a fresh temp dir: a bridge that has never seen the chat. */
  stateDir?: string;
  /** Variables over the bench's environment. */
  env?: Record<string, string>;
  /** Wait until it is connected to Telegram and OpenCode (the default); false for failure tests. */
  waitConnected?: boolean;
}

export interface Bridges {
  /** Starts `npm run bridge` against the bench; it is stopped after the test. */
  run(options?: BridgeOptions): Promise<BenchBridge>;
  /** A bridge the test stopped or killed itself: the after-test clean-up leaves it alone. */
  forget(bridge: BridgeProcess): void;
  /** The bridges still to be stopped after the test. */
  readonly running: readonly BridgeProcess[];
}

/** The HTML edit/split path of before drafts and rich messages, for tests that are about it. */
export const HTML_PATH = { BRIDGE_STREAMING: 'edit', BRIDGE_RICH: 'off' } as const;

/**
 * Bridges for a test file's tests, run against its bench and stopped after each test; `baseEnv`
 * (e.g. HTML_PATH) goes under each bridge's own `env`.
 */
export function useBridges(bench: Bench, baseEnv: Record<string, string> = {}): Bridges {
  const running: BridgeProcess[] = [];
  afterEach(async (context) => {
    // A failed test shows what its bridges said: the one clue for a fault that does not repeat.
    if (context.task.result?.state === 'fail') {
      for (const bridge of running) console.error(`bridge log:\n${bridge.lines.join('\n')}`);
    }
    await Promise.all(running.splice(0).map((b) => b.stop()));
  });
  return {
    async run({ stateDir, env = {}, waitConnected = true } = {}) {
      const dir = stateDir ?? (await tempDir('bridge-state-'));
      const bridge = Object.assign(startBridge(bridgeEnv(bench, dir, { ...baseEnv, ...env })), {
        stateDir: dir,
      });
      running.push(bridge);
      return waitConnected ? untilConnected(bridge) : bridge;
    },
    forget(bridge) {
      const index = running.indexOf(bridge);
      if (index >= 0) running.splice(index, 1);
    },
    running,
  };
}
