// The bridge with a damaged state file: it starts anyway, and says so once in the log and status.
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createBridge } from '../../main/core/bridge';
import { settingsFromEnv } from '../../main/core/config';
import type { LogEntry } from '../../main/core/status';

it('a damaged state file is moved aside and the bridge starts fresh, saying so once', async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'bridge-state-'));
  await writeFile(path.join(stateDir, 'state.json'), '{"version":1,"chats":{"7"');
  const settings = settingsFromEnv({
    env: {
      TELEGRAM_BOT_TOKEN: `${Date.now()}:test-only`,
      TELEGRAM_ALLOWED_USERS: '1',
      // Nothing listens on either: the test is about starting, not about talking.
      TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
      OPENCODE_URL: 'http://127.0.0.1:1',
      OPENCODE_SERVER_PASSWORD: 'test-only-password',
      BRIDGE_STATE_DIR: stateDir,
    },
    platform: process.platform,
    homeDir: stateDir,
    cwd: stateDir,
  });
  const bridge = createBridge(settings, {
    fetch: () => Promise.reject(new Error('offline in this test')),
  });
  const lines: LogEntry[] = [];
  bridge.onLog((entry) => lines.push(entry));
  try {
    await bridge.start();
    const said = lines.filter((l) => l.message.includes('saved state was damaged'));
    expect(said).toHaveLength(1);
    expect(said[0]?.level).toBe('warn');
    expect(bridge.status().running).toBe(true);
    expect(bridge.status().notice).toBe(said[0]?.message);
    expect(bridge.status().notice).toMatch(/moved to .*state\.json\.broken-\S+ and the bridge/);
    expect(
      (await readdir(stateDir)).filter((f) => f.startsWith('state.json.broken-')),
    ).toHaveLength(1);
  } finally {
    await bridge.stop();
  }
});
