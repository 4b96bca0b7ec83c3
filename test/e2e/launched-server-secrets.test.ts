// Issue 9: the `opencode serve` the bridge launches, and so every tool the agent runs, gets no
// Telegram token and none of the bridge's own settings. Checked from the outside: the server's
// /proc/<pid>/environ and cmdline, what `env` prints when the agent runs it, and the state file.
import { randomBytes, randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../support/bridge-process';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';
import { freePort } from '../support/free-port';
import {
  expectedReply,
  prompts,
  startModelServer,
  type ModelServer,
} from '../support/model-server';
import {
  deepMerge,
  defaultOpencodeConfig,
  isolatedOpencodeEnv,
  makeOpencodeDirs,
  opencodeBin,
} from '../support/opencode';
import { OWNER, botMessages, tempDir, waitForNotice } from './bench';

/** Fresh for this run: a token in Telegram's shape and a future bridge key. */
const TOKEN = `${randomInt(100_000, 999_999)}:${randomBytes(27).toString('base64url').slice(0, 35)}`;
const TRANSCRIBE_KEY = randomBytes(18).toString('base64url');

let model: ModelServer;
let telegram: FakeTelegram;

beforeAll(async () => {
  model = await startModelServer();
  telegram = await startFakeTelegram({ token: TOKEN });
  telegram.addPrivateChat(OWNER);
});
afterAll(async () => {
  await telegram?.close();
  await model?.close();
});

/** The pid of the `opencode serve … --port <port>` process, found by its argument list. */
async function serverPid(port: number): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readArgs(Number(entry)).catch((): string[] => []);
    if (argv.includes('serve') && argv.includes(String(port))) return Number(entry);
  }
  throw new Error(`no process serves port ${port}`);
}

const readArgs = async (pid: number): Promise<string[]> =>
  (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');

const readEnviron = async (pid: number): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await readFile(`/proc/${pid}/environ`, 'utf8'))
      .split('\0')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('the OpenCode server the bridge launches', () => {
  it('holds no Telegram token or bridge secret in its environment, its arguments or the state file', async () => {
    const dirs = await makeOpencodeDirs('oc-secrets-');
    const port = await freePort();
    const stateDir = await tempDir('bridge-state-');
    const envFile = path.join(dirs.root, 'agent-env.txt');
    const bridge = startBridge({
      ...isolatedOpencodeEnv(
        dirs,
        // The agent may run bash without asking, so the test needs no tap.
        deepMerge(defaultOpencodeConfig(model.baseUrl), { permission: { bash: 'allow' } }),
        `http://127.0.0.1:${await freePort()}/`,
      ),
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_ALLOWED_USERS: String(OWNER.id),
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BRIDGE_TRANSCRIBE_KEY: TRANSCRIBE_KEY,
      BRIDGE_TRANSCRIBE_URL: 'http://127.0.0.1:9/v1',
      // Some other variable that happens to carry the token.
      WEBHOOK_URL: `https://example.invalid/bot${TOKEN}/`,
      OPENCODE_PORT: String(port),
      OPENCODE_BIN: opencodeBin(),
      BRIDGE_DEFAULT_PROJECT: dirs.project,
      BRIDGE_STATE_DIR: stateDir,
    });
    try {
      await bridge.waitForLine(/OpenCode is serving at/, 90_000);
      await bridge.waitForLine(/Connected to Telegram/);

      const pid = await serverPid(port);
      const environ = await readEnviron(pid);
      const argv = await readArgs(pid);
      const password = environ['OPENCODE_SERVER_PASSWORD'];
      // It is the launched, password-protected server (the password is OpenCode's only way in).
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Object.keys(environ).filter((name) => /^(TELEGRAM|BRIDGE)_/.test(name))).toEqual([]);
      expect(Object.entries(environ).filter(([, value]) => value.includes(TOKEN))).toEqual([]);
      expect(Object.values(environ)).not.toContain(TRANSCRIBE_KEY);
      expect(environ['HOME']).toBe(dirs.home);
      expect(argv.join(' ')).not.toContain(TOKEN);
      expect(argv.join(' ')).not.toContain(password);

      // What the agent sees: `env` run through the bash tool.
      const text = prompts.bash(`env > ${envFile}`);
      telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
      await waitForNotice(telegram, OWNER.id, 1, 90_000);
      expect(botMessages(telegram, OWNER.id)[0]!.plainText).toContain(expectedReply(text));
      const seen = await readFile(envFile, 'utf8');
      expect(seen).toMatch(/^HOME=/m);
      expect(seen).not.toContain(TOKEN);
      expect(seen).not.toContain(TRANSCRIBE_KEY);
      expect(seen).not.toMatch(/^(TELEGRAM|BRIDGE)_/m);

      // The state file: chats and offsets, never a credential.
      await bridge.waitForLine(/State in /);
      for (const file of await readdir(stateDir)) {
        const content = await readFile(path.join(stateDir, file), 'utf8');
        expect(content).not.toContain(TOKEN);
        expect(content).not.toContain(password);
      }
      expect(bridge.lines.join('\n')).not.toContain(TOKEN);
      expect(bridge.lines.join('\n')).not.toContain(password);
    } finally {
      const stopped = await bridge.stop();
      expect(stopped.code).toBe(0);
    }
  }, 180_000);
});
