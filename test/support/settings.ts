// One BridgeSettings for the tests and benches that create a bridge in-process: what config.ts
// makes of an environment with only the required variables set, with the test's own fields over
// it. A setting added to the bridge then has its default here, and no such test breaks on it.
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BridgeSettings } from '../../main/core/bridge-api';
import { settingsFromEnv } from '../../main/core/config';

/** Pass the token, the people and the places (Telegram, OpenCode, a state dir) the test uses. */
export function testSettings(overrides: Partial<BridgeSettings> = {}): BridgeSettings {
  const defaults = settingsFromEnv({
    // Placeholders for the two required variables: a test passes the fake server's token.
    env: { TELEGRAM_BOT_TOKEN: 'placeholder', TELEGRAM_ALLOWED_USERS: '1' },
    platform: 'linux',
    // Never the real home: a test that passes no stateDir stays in the temp folder.
    homeDir: path.join(tmpdir(), 'bridge-test-home'),
    cwd: tmpdir(),
  });
  return { ...defaults, ...overrides };
}
