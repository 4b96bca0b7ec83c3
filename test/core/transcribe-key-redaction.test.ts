// The transcription key is a secret of the bridge like the bot token: every log line, status and
// Telegram text is redacted with it, and the OpenCode server the bridge launches never gets it.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createBridge } from '../../main/core/bridge';
import { createLogHub } from '../../main/core/log';
import { REDACTED } from '../../main/core/redact';
import { testSettings } from '../support/settings';

describe('transcription key', () => {
  it('is registered with the log hub’s secrets when the bridge is created', () => {
    const key = `sk-${randomBytes(18).toString('base64url')}`;
    const hub = createLogHub();
    createBridge(
      testSettings({
        telegramBotToken: `1:${randomBytes(20).toString('base64url')}`,
        allowedUserIds: [1],
        telegramApiRoot: 'http://127.0.0.1:1',
        opencodeUrl: 'http://127.0.0.1:2',
        defaultProject: tmpdir(),
        stateDir: tmpdir(),
        transcription: {
          url: 'http://127.0.0.1:8080/v1',
          model: 'whisper-1',
          key,
          language: undefined,
        },
      }),
      { logHub: hub },
    );
    expect(hub.secrets()).toContain(key);
    expect(hub.redact(`Bearer ${key}`)).toBe(`Bearer ${REDACTED}`);
  });
});
