// The whole OpenCode event path in one process: a loopback server speaking OpenCode's event stream,
// the real Bridge (EventStream → onOpencodeEvent → turns and features) and the fake Bot API.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge, type Bridge } from '../../main/core/bridge';
import { createLogHub } from '../../main/core/log';
import { emptyState } from '../../main/core/state-store';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';
import { testSettings } from '../support/settings';
import { until } from '../helpers/until';

const OWNER = { id: 4242, first_name: 'Ada' };
/** The real 1.18.33 server's OpenAPI document: the bridge checks it before it connects. */
const OPENAPI_DOC: unknown = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'opencode-1.18.33-openapi.json'), 'utf8'),
);
const SESSION = 'ses_followed';

interface FakeOpencode {
  url: string;
  /** Event-stream connections made so far. */
  connections: () => number;
  /** Paths of the other requests answered so far. */
  requests: string[];
  /** Writes events to the newest event-stream connection, in one TCP write. */
  send: (...payloads: unknown[]) => void;
  close: () => Promise<void>;
}

async function fakeOpencode(): Promise<FakeOpencode> {
  const streams: http.ServerResponse[] = [];
  const requests: string[] = [];
  const session = { id: SESSION, title: 'Old title', directory: tmpdir(), time: { created: 0 } };
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0];
    if (route === '/global/event') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
      streams.push(res);
      return;
    }
    const body =
      route === '/global/health'
        ? { healthy: true, version: '1.18.33' }
        : route === '/doc'
          ? OPENAPI_DOC
          : route === '/session/status'
            ? { [SESSION]: { type: 'busy' } }
            : route === `/session/${SESSION}`
              ? session
              : [];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body), () => requests.push(route ?? ''));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => streams.length,
    requests,
    send: (...payloads) =>
      streams
        .at(-1)
        ?.write(payloads.map((payload) => `data: ${JSON.stringify({ payload })}\n\n`).join('')),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{
  bridge: Bridge;
  opencode: FakeOpencode;
  telegram: FakeTelegram;
  logs: string[];
}> {
  const opencode = await fakeOpencode();
  cleanups.push(opencode.close);
  const telegram = await startFakeTelegram({ rateLimits: false });
  cleanups.push(() => telegram.close());
  telegram.addPrivateChat(OWNER);
  const stateDir = await mkdtemp(path.join(tmpdir(), 'bridge-events-'));
  const state = emptyState();
  state.chats[String(OWNER.id)] = { chatId: OWNER.id, directory: tmpdir(), sessionId: SESSION };
  await writeFile(path.join(stateDir, 'state.json'), JSON.stringify(state));
  const hub = createLogHub();
  const logs: string[] = [];
  hub.addSink((e) => logs.push(`${e.level} [${e.scope}] ${e.message}`));
  const bridge = createBridge(
    testSettings({
      telegramBotToken: telegram.token,
      allowedUserIds: [OWNER.id],
      telegramApiRoot: telegram.apiRoot,
      opencodeUrl: opencode.url,
      opencodePort: 0,
      opencodePassword: 'pw-test',
      defaultProject: tmpdir(),
      stateDir,
      editIntervalMs: 200,
    }),
    { logHub: hub },
  );
  cleanups.push(() => bridge.stop());
  await bridge.start();
  // Connected, and the resync after connecting followed the busy session: a turn is live and has
  // read the session's messages (which would replace what events arrived before).
  await until(() => bridge.status().sessions.some((s) => s.busy), 10_000);
  await until(() => opencode.requests.includes(`/session/${SESSION}/message`), 10_000);
  return { bridge, opencode, telegram, logs };
}

describe('malformed OpenCode events', () => {
  it('are skipped and said once per type; the stream stays up and the next good event is handled', async () => {
    const { bridge, opencode, telegram, logs } = await start();
    const malformedPart = { type: 'message.part.updated', properties: { sessionID: SESSION } };
    const malformedSession = { type: 'session.updated', properties: { sessionID: SESSION } };
    opencode.send(
      malformedPart,
      malformedSession,
      malformedPart,
      { type: 'message.updated', properties: { sessionID: SESSION, info: { role: 'user' } } },
      { type: 'session.status', properties: { sessionID: SESSION } },
      // Good events right behind them, in the same write.
      {
        type: 'session.updated',
        properties: {
          sessionID: SESSION,
          info: { id: SESSION, title: 'New title', directory: tmpdir(), time: { created: 0 } },
        },
      },
    );
    await until(() => bridge.status().sessions[0]?.title === 'New title', 5000);
    // And the live turn (a draft, in a private chat) still takes what streams in: a text part
    // from its start, as OpenCode
    // sends it (a delta seen only from the middle of a part waits for the part's end).
    opencode.send(
      {
        type: 'message.part.updated',
        properties: {
          sessionID: SESSION,
          part: {
            id: 'prt_answer',
            messageID: 'msg_answer',
            sessionID: SESSION,
            type: 'text',
            text: '',
          },
        },
      },
      {
        type: 'message.part.delta',
        properties: {
          sessionID: SESSION,
          messageID: 'msg_answer',
          partID: 'prt_answer',
          field: 'text',
          delta: 'still streaming',
        },
      },
    );
    await telegram.waitFor(
      () => telegram.drafts(OWNER.id).some((d) => d.text.includes('still streaming')),
      { timeoutMs: 15_000 },
    );
    expect(opencode.connections()).toBe(1);
    expect(bridge.status().opencode.kind).toBe('connected');
    const warnings = logs.filter((l) => l.includes('Skipped'));
    expect(warnings).toEqual([
      'warn [opencode] Skipped message.part.updated events from OpenCode without part.id. (Said once per event type.)',
      'warn [opencode] Skipped session.updated events from OpenCode without info.id. (Said once per event type.)',
      'warn [opencode] Skipped message.updated events from OpenCode without info.id. (Said once per event type.)',
      'warn [opencode] Skipped session.status events from OpenCode without status.type. (Said once per event type.)',
    ]);
  });
});

describe('session titles', () => {
  it('are kept for the sessions chats follow only, and forgotten when a session is deleted', async () => {
    const { bridge, opencode } = await start();
    const updated = (id: string, title: string) => ({
      type: 'session.updated',
      properties: { sessionID: id, info: { id, title, directory: tmpdir(), time: { created: 0 } } },
    });
    // The desk's other sessions, each retitled: the server may hold thousands.
    opencode.send(
      ...Array.from({ length: 300 }, (_, i) => updated(`ses_desk${i}`, `Desk ${i}`)),
      updated(SESSION, 'Followed title'),
    );
    await until(() => bridge.status().sessions[0]?.title === 'Followed title');
    expect(bridge.diagnostics()['titles']).toBe(1);
    opencode.send({ type: 'session.deleted', properties: { sessionID: SESSION } });
    await until(() => bridge.diagnostics()['titles'] === 0);
  });
});

describe('open questions', () => {
  it('that ended while the connection was down are forgotten after the reconnect', async () => {
    const { bridge, opencode } = await start();
    opencode.send(
      ...Array.from({ length: 50 }, (_, i) => ({
        type: 'question.asked',
        properties: { id: `que_${i}`, sessionID: `ses_desk${i}`, questions: [] },
      })),
    );
    await until(() => bridge.diagnostics()['questions.requests'] === 50);
    // OpenCode restarted meanwhile: none of them is pending any more (GET /question says []).
    bridge.reconnect();
    await until(() => opencode.connections() === 2);
    await until(() => bridge.diagnostics()['questions.requests'] === 0);
  });
});
