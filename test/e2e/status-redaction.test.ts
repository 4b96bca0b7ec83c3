// Issue 9: an error that quotes a request (a proxy's 502 page echoing the URL or the Basic-auth
// header) carries a secret. What the window shows (the bridge's status), what `/status` says in the
// chat and the log never do. The bridge runs in-process against the fake Bot API and a stand-in
// "OpenCode" proxy that answers every request with such an echoing 502 page.
import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeSettings } from '../../main/core/bridge-api';
import { createBridge } from '../../main/core/bridge';
import type { BridgeStatus, LogEntry } from '../../main/core/status';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';
import { testSettings } from '../support/settings';
import { OWNER, botMessages, tempDir } from './bench';

/** A fresh token in Telegram's shape for this run. */
const TOKEN = `${randomInt(100_000, 999_999)}:${randomBytes(27).toString('base64url').slice(0, 35)}`;
const PASSWORD = randomBytes(18).toString('base64url');
const BASIC = Buffer.from(`opencode:${PASSWORD}`).toString('base64');
const SECRETS = [TOKEN, encodeURIComponent(TOKEN), PASSWORD, BASIC];

let telegram: FakeTelegram;
let proxy: http.Server;
let proxyUrl: string;

beforeAll(async () => {
  telegram = await startFakeTelegram({ token: TOKEN });
  telegram.addPrivateChat(OWNER);
  // A misconfigured proxy in front of OpenCode: its error page quotes the whole request.
  proxy = http.createServer((req, res) =>
    res
      .writeHead(502, { 'content-type': 'text/html' })
      .end(
        `<html><body><h1>502 Bad Gateway</h1><p>${req.method} ${req.url} ` +
          `authorization: ${req.headers.authorization ?? '-'} ` +
          `(forwarding for https://api.telegram.org/bot${TOKEN}/getUpdates)</p></body></html>`,
      ),
  );
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await telegram?.close();
  await new Promise((resolve) => proxy?.close(resolve));
});

async function settings(password: string | undefined): Promise<BridgeSettings> {
  return testSettings({
    telegramBotToken: TOKEN,
    allowedUserIds: [OWNER.id],
    telegramApiRoot: telegram.apiRoot,
    opencodeUrl: proxyUrl,
    opencodePassword: password,
    defaultProject: await tempDir('redaction-project-'),
    stateDir: await tempDir('redaction-state-'),
    editIntervalMs: 250,
  });
}

const leaks = (text: string): string[] => SECRETS.filter((secret) => text.includes(secret));

describe('secrets in error texts', () => {
  it('a status reason built from an error with the token in it shows no token, nor does /status', async () => {
    // A self-hosted Bot API server (or a proxy) that quotes the request path in its error.
    telegram.failNext('getUpdates', {
      error_code: 502,
      description: `Bad Gateway: upstream timed out for /bot${TOKEN}/getUpdates`,
    });
    const bridge = createBridge(await settings(PASSWORD));
    const statuses: BridgeStatus[] = [];
    const logs: LogEntry[] = [];
    bridge.onStatus((status) => statuses.push(status));
    bridge.onLog((entry) => logs.push(entry));
    await bridge.start();
    try {
      // The reason reaches the window redacted, not dropped: the user still sees what failed.
      await telegram.waitFor(
        () =>
          statuses.some((s) => s.telegram.kind === 'error') &&
          statuses.at(-1)?.telegram.kind === 'connected',
        { timeoutMs: 20_000 },
      );
      const reasons = statuses.flatMap((s) => [
        s.telegram.kind === 'error' ? s.telegram.reason : '',
        s.opencode.kind === 'error' ? s.opencode.reason : '',
      ]);
      expect(reasons.find((r) => r.includes('upstream timed out'))).toMatch(
        /\/bot\[redacted\]\/getUpdates/,
      );
      expect(leaks(JSON.stringify(statuses))).toEqual([]);
      expect(leaks(JSON.stringify(bridge.status()))).toEqual([]);

      // /status in the chat quotes OpenCode's error: redacted on its way to Telegram.
      telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/status' });
      const [reply] = await telegram.waitFor(() => {
        const found = botMessages(telegram, OWNER.id, /⚠️/u);
        return found.length > 0 && found;
      });
      // It names what failed (the event stream's 502); whatever of the proxy's page (which echoes
      // the Authorization header) a reason quotes is redacted on its way out.
      expect(reply!.text).toMatch(/502/);
      expect(reply!.text).not.toMatch(/authorization: Basic (?!\[redacted\])/i);
      expect(leaks(JSON.stringify(telegram.messages(OWNER.id)))).toEqual([]);
      expect(leaks(JSON.stringify(logs))).toEqual([]);
    } finally {
      await bridge.stop();
    }
  }, 60_000);

  it('attaching without a password works but is warned about once', async () => {
    const bridge = createBridge(await settings(undefined));
    const logs: LogEntry[] = [];
    bridge.onLog((entry) => logs.push(entry));
    await bridge.start();
    await bridge.stop();
    const warnings = logs.filter((e) => e.level === 'warn' && /without a password/.test(e.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(proxyUrl);
  }, 30_000);
});
