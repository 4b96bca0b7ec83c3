// The long-poll loop against a loopback HTTP server standing in for the Bot API: a poll nobody
// answers (a connection that died while the Mac slept) is given up, and a wake restarts it.
import { getEventListeners } from 'node:events';
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

const update = (id: number, chatId = 1): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: 'private' }, text: `m${id}` },
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

/**
 * A getUpdates endpoint over a list of updates, as Telegram serves them: from `offset` on, at most
 * `limit`, an empty answer after a short wait when there is nothing. `failFirst` polls answer 429
 * with retry_after 0 (a failure the poller retries at once).
 */
async function updateFeed(options: { failFirst?: number } = {}) {
  const pending: Update[] = [];
  const offsets: number[] = [];
  let polls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      polls += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (polls <= (options.failFirst ?? 0)) {
        res.end(
          JSON.stringify({
            ok: false,
            error_code: 429,
            description: 'Too Many Requests: retry after 0',
            parameters: { retry_after: 0 },
          }),
        );
        return;
      }
      const params = JSON.parse(body || '{}') as { offset?: number; limit?: number };
      offsets.push(params.offset ?? 0);
      const result = pending
        .filter((u) => u.update_id >= (params.offset ?? 0))
        .slice(0, params.limit ?? 100);
      setTimeout(() => res.end(JSON.stringify({ ok: true, result })), result.length ? 0 : 20);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    push: (...updates: Update[]) => pending.push(...updates),
    offsets,
    polls: () => polls,
  };
}

function pollFeed(
  apiRoot: string,
  options: {
    handle?: (u: Update) => Promise<'handled' | 'ignored' | void>;
    saveOffset?: (offset: number) => Promise<void>;
  } = {},
) {
  const hub = createLogHub();
  const logs: string[] = [];
  hub.addSink((e) => logs.push(`${e.level} ${e.message}`));
  const saves: number[] = [];
  const poller = new TelegramPoller({
    api: new Api('123:test', { apiRoot }),
    apiRoot,
    log: hub.logger('telegram'),
    initialOffset: undefined,
    handle: options.handle ?? (() => Promise.resolve()),
    saveOffset: async (offset) => {
      await options.saveOffset?.(offset);
      saves.push(offset);
    },
    onState: () => undefined,
    allowedUpdates: ['message'],
    pollTimeoutSeconds: 1,
  });
  pollers.push(poller);
  poller.start();
  return { poller, logs, saves };
}

describe('TelegramPoller, failures of its own', () => {
  it('leaves no abort listener behind after failed polls', async () => {
    const feed = await updateFeed({ failFirst: 40 });
    const { poller } = pollFeed(feed.apiRoot);
    await until(() => feed.polls() > 41);
    // Each failed poll waits (here 0 s) before the next; that wait must not leave a listener.
    const signal = poller['abort'].signal;
    expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(1);
  });

  it('says a failed offset save and a failing handler once each and keeps polling', async () => {
    const feed = await updateFeed();
    let failSaves = true;
    const { logs, saves } = pollFeed(feed.apiRoot, {
      handle: (u) =>
        u.update_id === 2 ? Promise.reject(new Error('boom')) : Promise.resolve('handled'),
      saveOffset: () => (failSaves ? Promise.reject(new Error('disk full')) : Promise.resolve()),
    });
    feed.push(update(1));
    await until(() => logs.some((l) => /disk full/.test(l)));
    failSaves = false;
    feed.push(update(2), update(3));
    await until(() => saves.at(-1) === 4);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([
      'error Could not save where Telegram polling stopped (disk full); trying again with the next update.',
      'error Handling update 2 failed: boom',
    ]);
  });
});

describe('TelegramPoller, chats side by side', () => {
  it("runs another chat's update while one chat's handler waits, and keeps the offset before it", async () => {
    const feed = await updateFeed();
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    const { saves } = pollFeed(feed.apiRoot, {
      handle: async (u) => {
        if (u.update_id === 10) await blocked;
        handled.push(u.update_id);
      },
    });
    // Chat 1: 10 (stuck), then 11 (must wait for 10). Chat 2: 12, arriving later.
    feed.push(update(10, 1), update(11, 1));
    await until(() => feed.offsets.length >= 2);
    feed.push(update(12, 2));
    await until(() => handled.includes(12));
    expect(handled).toEqual([12]);
    // Neither saved nor confirmed to Telegram past the update still being handled.
    expect(Math.max(...saves, 0)).toBeLessThanOrEqual(10);
    expect(Math.max(...feed.offsets)).toBeLessThanOrEqual(10);
    release();
    await until(() => saves.at(-1) === 13);
    expect(handled).toEqual([12, 10, 11]);
  });

  it('writes no offset per update for a flood of updates that had no effect', async () => {
    const feed = await updateFeed();
    const ignored: number[] = [];
    const { poller, saves } = pollFeed(feed.apiRoot, {
      handle: (u) => {
        ignored.push(u.update_id);
        return Promise.resolve('ignored');
      },
    });
    feed.push(...Array.from({ length: 10_000 }, (_, i) => update(1000 + i, 5000 + (i % 50))));
    await until(() => ignored.length === 10_000, 60_000);
    await poller.stop();
    // Kept in memory and saved once at the stop (or on a slow timer), not 10,000 times.
    expect(saves.length).toBeLessThanOrEqual(2);
    expect(saves.at(-1)).toBe(11_000);
  }, 70_000);
});
