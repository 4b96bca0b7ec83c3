// Issue 11, know the server: a bridge pointed at an OpenCode it cannot work with says so in one
// line (log and /status) and keeps checking; the right server on that port then just works.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../helpers/until';
import { expectedReply } from '../support/model-server';
import { opencodeVersion } from '../support/opencode';
import { OWNER, botMessages, untilConnected, useBench, useBridges } from './bench';

const bench = useBench();
const bridges = useBridges(bench);

const recordedDoc = readFileSync(
  path.join(__dirname, '..', 'fixtures', 'opencode-1.18.33-openapi.json'),
  'utf8',
);

async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** What the owner gets back for `/status`. */
async function statusReply(): Promise<string> {
  const { telegram } = bench;
  const from = botMessages(telegram, OWNER.id).length;
  telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/status' });
  await telegram.waitFor(() => botMessages(telegram, OWNER.id).length > from);
  return botMessages(telegram, OWNER.id)[from]!.text ?? '';
}

describe('the server the bridge talks to', () => {
  it('a 2.x server: one line in the log and /status, checked again, and a 1.18.33 on that port just works', async () => {
    const { opencode, telegram } = bench;
    // The bench's OpenCode gives its port to a server that answers like 2.x.
    await opencode.kill9();
    const hits: string[] = [];
    const v2 = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/api/health') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ healthy: true, version: '2.0.18', pid: 1 }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
    await listen(v2, opencode.port);
    const giveBack = async (): Promise<void> => {
      await close(v2);
      await opencode.restart();
    };
    let givenBack = false;
    try {
      const bridge = await bridges.run({ waitConnected: false });
      const line = await bridge.waitForLine(/is version 2\.0\.18/);
      expect(line).toMatch(/error/);
      expect(line).toContain(
        `OpenCode at ${opencode.url} is version 2.0.18, with the 2.x server API; this bridge ` +
          'supports opencode-ai 1.18.3 or newer below 2. To fix it, install opencode-ai 1.18.33 ' +
          '(npm i -g opencode-ai@1.18), or point OPENCODE_URL at a 1.x server.',
      );
      expect(await statusReply()).toContain('⚠️ OpenCode at');
      // It keeps checking (about every 10 s) and says it only once.
      const checks = (): number => hits.filter((h) => h === '/api/health').length;
      const before = checks();
      await until(() => checks() > before, 20_000);
      expect(bridge.lines.filter((l) => /2\.0\.18/.test(l))).toHaveLength(1);
      expect(hits).not.toContain('/global/event');

      // A real 1.18.33 takes the port: no restart of the bridge.
      givenBack = true;
      await giveBack();
      await untilConnected(bridge);
      const from = botMessages(telegram, OWNER.id).length;
      telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'hello again' });
      await telegram.waitFor(
        () =>
          botMessages(telegram, OWNER.id).some((m, i) => i >= from && /^✅/u.test(m.text ?? '')),
        { timeoutMs: 90_000 },
      );
      expect(botMessages(telegram, OWNER.id).map((m) => m.plainText)).toContain(
        expectedReply('hello again'),
      );
    } finally {
      if (!givenBack) await giveBack();
    }
  });

  it('a 1.18.33 whose /doc lacks a route the bridge needs: the line names the route', async () => {
    const { opencode } = bench;
    // A proxy in front of the real server that serves its recorded /doc without one route.
    const doc = JSON.parse(recordedDoc) as { paths: Record<string, unknown> };
    delete doc.paths['/question/{requestID}/reject'];
    const proxy = http.createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/doc') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
        return;
      }
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: opencode.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    const port = await listen(proxy);
    try {
      const url = `http://127.0.0.1:${port}`;
      const bridge = await bridges.run({ env: { OPENCODE_URL: url }, waitConnected: false });
      const line = await bridge.waitForLine(/lacks/);
      expect(line).toContain(
        `OpenCode at ${url} (version ${await opencodeVersion()}) lacks POST /question/{requestID}/reject, which the bridge needs;`,
      );
      expect(await statusReply()).toContain('lacks POST /question/{requestID}/reject');
    } finally {
      await close(proxy);
    }
  });
});
