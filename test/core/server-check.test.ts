// The check before each event-stream connection, against loopback servers that answer like a
// 2.x, like a 1.x with a route missing from its document, and like a newer 1.x.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpencodeIncompatibleError } from '../../main/core/errors';
import { createLogHub } from '../../main/core/log';
import { OpencodeClient } from '../../main/core/opencode/client';
import type { ConnectionState } from '../../main/core/opencode/connection-state';
import { EventStream } from '../../main/core/opencode/event-stream';
import { ServerCheck } from '../../main/core/opencode/server-check';
import { until } from '../helpers/until';

const docText = readFileSync(
  join(__dirname, '..', 'fixtures', 'opencode-1.18.33-openapi.json'),
  'utf8',
);

interface Stub {
  version?: string;
  /** Answer like 2.x: `/api/health` only. */
  v2?: boolean;
  /** Paths to drop from the served `/doc`. */
  without?: string[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(stub: Stub): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const json = (res: http.ServerResponse, body: unknown): void => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (stub.v2) {
      if (req.url === '/api/health') return json(res, { healthy: true, version: stub.version });
      return res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    }
    if (req.url === '/global/health') return json(res, { healthy: true, version: stub.version });
    if (req.url === '/doc') {
      const doc = JSON.parse(docText) as { paths: Record<string, unknown> };
      for (const path of stub.without ?? []) delete doc.paths[path];
      return json(res, doc);
    }
    if (req.url === '/global/event') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        `data: ${JSON.stringify({ payload: { type: 'server.connected', properties: {} } })}\n\n`,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

function checker(url: string) {
  const hub = createLogHub();
  const logs: string[] = [];
  hub.addSink((e) => logs.push(`${e.level} ${e.message}`));
  const client = new OpencodeClient({ baseUrl: url, username: 'opencode', password: 'pw' });
  const check = new ServerCheck({ client, log: hub.logger('opencode'), setting: 'OPENCODE_URL' });
  return { check, logs, client, hub };
}

describe('ServerCheck', () => {
  it('refuses a 2.x server with the version it found', async () => {
    const { url } = await serve({ v2: true, version: '2.0.18' });
    const { check } = checker(url);
    const error = await check.check().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpencodeIncompatibleError);
    expect((error as Error).message).toMatch(/^OpenCode at \S+ is version 2\.0\.18, with the 2\.x/);
  });

  it('names the route a 1.x document lacks', async () => {
    const { url } = await serve({ version: '1.18.33', without: ['/session/{sessionID}/abort'] });
    const { check } = checker(url);
    await expect(check.check()).rejects.toThrow(
      /lacks POST \/session\/\{sessionID\}\/abort, which the bridge needs/,
    );
  });

  it('warns once per newer version, and reads the document of a version only once', async () => {
    const { url, hits } = await serve({ version: '1.19.2' });
    const { check, logs } = checker(url);
    await check.check();
    await check.check();
    expect(logs.filter((l) => l.startsWith('warn') && l.includes('1.19.2'))).toHaveLength(1);
    expect(hits.filter((h) => h === '/doc')).toHaveLength(1);
  });

  it('lets an unreachable server through, for the event stream to report', async () => {
    const { url } = await serve({});
    await new Promise((r) => servers.pop()!.close(r));
    await expect(checker(url).check.check()).resolves.toBeUndefined();
  });
});

describe('EventStream with the check', () => {
  it('does not connect to a 2.x server: says the one line, and checks again in 10 s', async () => {
    const { url, hits } = await serve({ v2: true, version: '2.0.18' });
    const { check, logs, client, hub } = checker(url);
    const states: { state: ConnectionState; error: string | undefined }[] = [];
    const stream = new EventStream({
      client,
      fetch: (u, init) => fetch(u, init),
      log: hub.logger('opencode'),
      onEvent: () => undefined,
      onOpen: () => undefined,
      onState: (state, error) => states.push({ state, error: error?.message }),
      check: (signal) => check.check(signal),
      now: () => 1000,
    });
    stream.start();
    try {
      await until(() => states.some((s) => s.state.kind === 'backoff'));
      const backoff = states.find((s) => s.state.kind === 'backoff')!;
      expect(backoff.error).toMatch(/is version 2\.0\.18/);
      expect(backoff.state).toMatchObject({ untilMs: 11_000 });
      expect(logs.filter((l) => l.includes('2.0.18'))).toEqual([
        expect.stringMatching(
          /^error OpenCode at .* is version 2\.0\.18.*Retrying in the background\.$/,
        ),
      ]);
      expect(hits).not.toContain('/global/event');
    } finally {
      await stream.stop();
    }
  });
});
