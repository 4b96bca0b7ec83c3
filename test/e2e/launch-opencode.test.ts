// Issue 2: without OPENCODE_URL the bridge launches `opencode serve` itself on the pinned port,
// with a generated password, and stops it when it stops.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../support/bridge-process';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';
import { freePort } from '../support/free-port';
import { expectedReply, startModelServer, type ModelServer } from '../support/model-server';
import {
  defaultOpencodeConfig,
  isolatedOpencodeEnv,
  makeOpencodeDirs,
  opencodeBin,
} from '../support/opencode';
import { OWNER, botMessages, tempDir, waitForNotice } from './bench';

let model: ModelServer;
let telegram: FakeTelegram;

beforeAll(async () => {
  model = await startModelServer();
  telegram = await startFakeTelegram();
  telegram.addPrivateChat(OWNER);
});
afterAll(async () => {
  await telegram?.close();
  await model?.close();
});

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('bridge-launched OpenCode', () => {
  it('serves on the pinned port, answers prompts, and is stopped with the bridge', async () => {
    const dirs = await makeOpencodeDirs('oc-launch-');
    const port = await freePort();
    const bridge = startBridge({
      ...isolatedOpencodeEnv(
        dirs,
        defaultOpencodeConfig(model.baseUrl),
        `http://127.0.0.1:${await freePort()}/`,
      ),
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_ALLOWED_USERS: String(OWNER.id),
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OPENCODE_PORT: String(port),
      OPENCODE_BIN: opencodeBin(),
      BRIDGE_DEFAULT_PROJECT: dirs.project,
      BRIDGE_STATE_DIR: await tempDir('bridge-state-'),
    });
    try {
      await bridge.waitForLine(
        new RegExp(
          `OpenCode is serving at http://127\\.0\\.0\\.1:${port}; at the desk run: opencode attach`,
        ),
        90_000,
      );
      await bridge.waitForLine(/Connected to the OpenCode event stream/, 30_000);
      await bridge.waitForLine(/Connected to Telegram/);
      // It has a password: an unauthenticated request is refused.
      expect((await fetch(`http://127.0.0.1:${port}/global/health`)).status).toBe(401);

      telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'hello from the train' });
      await waitForNotice(telegram, OWNER.id, 1, 90_000);
      expect(botMessages(telegram, OWNER.id)[0]!.plainText).toBe(
        expectedReply('hello from the train'),
      );
    } finally {
      const stopped = await bridge.stop();
      expect(stopped.code).toBe(0);
    }
    expect(await portOpen(port)).toBe(false);
    expect(
      bridge.lines.some((l) => l.includes('Stopped the OpenCode server the bridge had started')),
    ).toBe(true);
  });
});
