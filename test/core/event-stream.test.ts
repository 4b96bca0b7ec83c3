// The event stream against a real loopback HTTP server: parsing, the silence watchdog, reconnects
// and the errors a user would see.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogHub } from '../../main/core/log';
import { until } from '../helpers/until';
import { OpencodeClient } from '../../main/core/opencode/client';
import { EventStream } from '../../main/core/opencode/event-stream';
import type { GlobalEvent } from '../../main/core/opencode/types';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, connection: number) => void;

const servers: http.Server[] = [];
const streams: EventStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.stop()));
  for (const s of servers.splice(0)) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: Handler): Promise<string> {
  let connection = 0;
  const server = http.createServer((req, res) => handler(req, res, ++connection));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sse = (res: http.ServerResponse, payload: unknown): void => {
  res.write(`data: ${JSON.stringify(payload)}\n\n`);
};

function open(baseUrl: string, password = 'pw-test') {
  const hub = createLogHub();
  const logs: string[] = [];
  hub.addSink((e) => logs.push(`${e.level} ${e.message}`));
  const events: GlobalEvent[] = [];
  const opens: boolean[] = [];
  const client = new OpencodeClient({ baseUrl, username: 'opencode', password });
  const stream = new EventStream({
    client,
    fetch: (url, init) => fetch(url, init),
    log: hub.logger('opencode'),
    onEvent: (e) => events.push(e),
    onOpen: (reconnected) => opens.push(reconnected),
    policy: { baseMs: 20, maxMs: 100, stableMs: 10_000, silenceMs: 300, connectTimeoutMs: 300 },
    random: () => 0.5,
  });
  streams.push(stream);
  stream.start();
  return { events, opens, logs, stream };
}

describe('EventStream', () => {
  it('sends Basic auth, parses events split across chunks, and reconnects after silence', async () => {
    const auths: (string | undefined)[] = [];
    const url = await serve((req, res, n) => {
      auths.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text = JSON.stringify({
        payload: { type: 'session.idle', properties: { sessionID: `s${n}` } },
      });
      // One event delivered in two TCP writes, split mid-JSON.
      res.write(`data: ${text.slice(0, 10)}`);
      setTimeout(() => res.write(`${text.slice(10)}\n\n`), 20);
      // Then silence: no heartbeat, so the watchdog must tear the stream down.
    });
    const { events, opens } = open(url);
    await until(() => opens.length >= 2);
    expect(opens.slice(0, 2)).toEqual([false, true]);
    expect(events[0]?.payload).toEqual({ type: 'session.idle', properties: { sessionID: 's1' } });
    expect(auths[0]).toBe(`Basic ${Buffer.from('opencode:pw-test').toString('base64')}`);
  });

  it('keeps a stream with heartbeats open', async () => {
    let connections = 0;
    const url = await serve((_req, res) => {
      connections += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const beat = setInterval(
        () => sse(res, { payload: { type: 'server.heartbeat', properties: {} } }),
        50,
      );
      res.on('close', () => clearInterval(beat));
    });
    const { events } = open(url);
    await until(() => events.length >= 15);
    expect(connections).toBe(1);
  });

  it('reports a wrong password once, in words a user can act on, and keeps retrying', async () => {
    let attempts = 0;
    const url = await serve((_req, res) => {
      attempts += 1;
      res.writeHead(401).end();
    });
    const { logs } = open(url, 'wrong');
    await until(() => attempts >= 1);
    await new Promise((r) => setTimeout(r, 200));
    const errors = logs.filter((l) => l.startsWith('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/rejected our credentials \(HTTP 401\).*OPENCODE_SERVER_PASSWORD/);
    expect(errors[0]).not.toContain('wrong');
  });

  it('says so when the server answers HTML instead of an event stream', async () => {
    const url = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
    );
    const { logs } = open(url);
    await until(() => logs.some((l) => l.startsWith('error')));
    expect(logs.find((l) => l.startsWith('error'))).toMatch(
      /answered GET \/global\/event with text\/html/,
    );
  });

  it('reports an unreachable server once and connects when it appears', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, { payload: { type: 'server.connected', properties: {} } });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const { logs, opens } = open(`http://127.0.0.1:${port}`);
    await until(() => logs.some((l) => l.startsWith('error')));
    await new Promise((r) => setTimeout(r, 300));
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([
      expect.stringMatching(
        /Cannot reach OpenCode at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
      ),
    ]);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    await until(() => opens.length === 1);
    expect(logs.some((l) => /Connected to OpenCode at .* again/.test(l))).toBe(true);
  });

  it('abandons a request the server never answers and connects on the next attempt', async () => {
    // OpenCode while it boots: it accepts the connection and never answers it, even once ready.
    const baseUrl = await serve((_req, res, connection) => {
      if (connection === 1) return;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, { payload: { type: 'server.connected', properties: {} } });
    });
    const { logs, opens, events } = open(baseUrl);
    await until(() => events.length === 1);
    expect(opens).toEqual([false]);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([
      expect.stringMatching(/did not answer the event-stream request within 0.3 s/),
    ]);
  });

  it('says in words when the server goes away mid-stream, and reconnects', async () => {
    const baseUrl = await serve((_req, res, connection) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, { payload: { type: 'server.connected', properties: {} } });
      if (connection === 1) setTimeout(() => res.socket?.destroy(), 50);
    });
    const { logs, opens } = open(baseUrl);
    await until(() => opens.length === 2);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([
      'error The event stream from OpenCode broke off (other side closed). Retrying in the background.',
    ]);
  });

  it('reconnects at once when asked (after a wake from sleep), without reporting an error', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, { payload: { type: 'server.connected', properties: {} } });
    });
    const { logs, opens, stream } = open(baseUrl);
    await until(() => opens.length === 1);
    stream.reconnect();
    await until(() => opens.length === 2, 1000);
    expect(opens).toEqual([false, true]);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
