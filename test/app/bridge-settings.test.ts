import { describe, expect, it } from 'vitest';
import { buildBridgeSettings } from '../../main/app/bridge-settings';
import { DEFAULT_SETTINGS } from '../../main/app/settings-store';

const build = (patch: Partial<typeof DEFAULT_SETTINGS>) =>
  buildBridgeSettings({
    settings: { ...DEFAULT_SETTINGS, allowedUserIds: [7], ...patch },
    telegramBotToken: 'token-from-keychain',
    opencodePassword: undefined,
    opencodeBinary: undefined,
    stateDir: '/state',
    homeDir: '/home/ada',
  });

describe('the app’s delivery settings reach the bridge', () => {
  it('by default: drafts, rich messages, api.telegram.org', () => {
    expect(build({})).toMatchObject({
      streaming: 'draft',
      rich: true,
      telegramApiRoot: 'https://api.telegram.org',
    });
  });

  it('as chosen, a self-hosted Bot API server included', () => {
    expect(
      build({ streaming: 'edit', richMessages: false, telegramApiRoot: 'http://127.0.0.1:8081' }),
    ).toMatchObject({ streaming: 'edit', rich: false, telegramApiRoot: 'http://127.0.0.1:8081' });
  });
});
