// The long-poll loop against a loopback HTTP server standing in for the Bot API: a poll nobody
// answers (a connection that died while the Mac slept) is given up, and a wake restarts it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogHub } from '../../main/core/log';
import { until } from '../helpers/until';
import { TelegramPoller } from '../../main/core/telegram/poller';

const servers: http.Server[] = [];
const pollers: TelegramPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

const update = (id: number): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: 1, type: 'private' }, text: `m${id}` },
  }) as Update;

/** A getUpdates endpoint: `answer(n)` decides the n-th poll (undefined = never answer it). */
async function botApi(answer: (poll: number) => Update[] | undefined): Promise<string> {
  let polls = 0;
  const server = http.createServer((req, res) => {
    if (!req.url?.endsWith('/getUpdates')) return res.writeHead(404).end();
    const result = answer(++polls);
    if (result === undefined) return; // hangs, like a half-open connection
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, result }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function poll(apiRoot: string, pollGraceMs: number) {
  const hub = createLogHub();
  const logs: string[] = [];
  hub.addSink((e) => logs.push(`${e.level} ${e.message}`));
  const handled: number[] = [];
  const poller = new TelegramPoller({
    api: new Api('123:test', { apiRoot }),
    apiRoot,
    log: hub.logger('telegram'),
    initialOffset: undefined,
    handle: (u) => {
      handled.push(u.update_id);
      return Promise.resolve();
    },
    saveOffset: () => Promise.resolve(),
    onState: () => undefined,
    allowedUpdates: ['message'],
    pollTimeoutSeconds: 1,
    pollGraceMs,
  });
  pollers.push(poller);
  poller.start();
  return { poller, logs, handled };
}

describe('TelegramPoller', () => {
  it('gives up a poll nobody answers, says so once, and goes on polling', async () => {
    const apiRoot = await botApi((n) => (n === 1 ? undefined : n === 2 ? [update(7)] : []));
    const { logs, handled } = poll(apiRoot, 200);
    await until(() => handled.length === 1);
    expect(handled).toEqual([7]);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([
      `error Cannot reach Telegram at ${apiRoot} (no answer to a long poll in 1.2 s); retrying with backoff.`,
    ]);
  });

  it('restarts the poll in flight at once when asked, without an error', async () => {
    const apiRoot = await botApi((n) => (n === 1 ? undefined : n === 2 ? [update(8)] : []));
    const { poller, logs, handled } = poll(apiRoot, 60_000);
    await new Promise((r) => setTimeout(r, 100));
    poller.restartPoll();
    await until(() => handled.length === 1, 1000);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
