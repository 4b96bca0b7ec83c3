// Probes of the known 1.18.x server bugs that hit bridges (reference/opencode-2.md, upstream
// numbers below), against the real pinned server. Each test documents what the server does, so a
// new version that changes it shows up here. On 1.18.33 only the database lock reproduces.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedReply,
  prompts,
  startModelServer,
  type ModelServer,
} from '../support/model-server';
import {
  eventSessionID,
  startOpencode,
  subscribeGlobalEvents,
  type EventStream,
  type GlobalEvent,
  type OpencodeInstance,
} from '../support/opencode';

let model: ModelServer;
let oc: OpencodeInstance;
let events: EventStream;

beforeAll(async () => {
  model = await startModelServer();
  oc = await startOpencode({ modelBaseUrl: model.baseUrl });
  events = await subscribeGlobalEvents(oc);
}, 120_000);
afterAll(async () => {
  events?.close();
  await oc?.stop();
  await model?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newSession(): Promise<string> {
  return (await oc.json<{ id: string }>('/session', { body: {} })).id;
}

async function promptAsync(sessionId: string, text: string): Promise<number> {
  const r = await oc.fetch(`/session/${sessionId}/prompt_async`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ parts: [{ type: 'text', text }] }),
  });
  return r.status;
}

const of = (sessionId: string, type: string) => (e: GlobalEvent) =>
  e.payload.type === type && eventSessionID(e) === sessionId;
const busy = (sessionId: string) => (e: GlobalEvent) =>
  of(sessionId, 'session.status')(e) &&
  (e.payload.properties['status'] as { type?: string }).type === 'busy';

async function history(sessionId: string) {
  return oc.json<
    Array<{
      info: { role: string; error?: unknown };
      parts: Array<{ type: string; text?: string }>;
    }>
  >(`/session/${sessionId}/message`);
}
const texts = (h: Awaited<ReturnType<typeof history>>, role: string) =>
  h
    .filter((m) => m.info.role === role)
    .map((m) =>
      m.parts
        .filter((p) => p.type === 'text')
        .map((p) => p.text)
        .join(''),
    );

describe('OpenCode 1.18 known bugs, probed', () => {
  it('#46842, a prompt sent to a busy session: stored, and run after the running turn', async () => {
    const session = await newSession();
    const from = events.events.length;
    const first = prompts.stream(2000, { tps: 100 });
    expect(await promptAsync(session, first)).toBe(204);
    await events.waitFor(busy(session), { from });
    const second = 'second, sent while busy';
    expect(await promptAsync(session, second)).toBe(204);
    // Both turns end; OpenCode's own loop picks the queued prompt up.
    await events.waitFor(of(session, 'session.idle'), { from, timeoutMs: 60_000 });
    await until(async () => texts(await history(session), 'assistant').length >= 2, 30_000);
    const h = await history(session);
    expect(texts(h, 'user')).toEqual([first, second]);
    expect(texts(h, 'assistant')).toEqual([expectedReply(first), expectedReply(second)]);
    expect(model.chatRequests().filter((r) => r.userText === second)).toHaveLength(1);
  });

  it('#35472 / #45610, /session/status after a turn ended or failed: idle (omitted)', async () => {
    const ok = await newSession();
    let from = events.events.length;
    await promptAsync(ok, 'a short turn');
    await events.waitFor(of(ok, 'session.idle'), { from, timeoutMs: 60_000 });
    expect(await oc.json<Record<string, unknown>>('/session/status')).not.toHaveProperty(ok);

    const failing = await newSession();
    from = events.events.length;
    await promptAsync(failing, prompts.error(401));
    await events.waitFor(of(failing, 'session.error'), { from, timeoutMs: 60_000 });
    await events.waitFor(of(failing, 'session.idle'), { from, timeoutMs: 60_000 });
    expect(await oc.json<Record<string, unknown>>('/session/status')).not.toHaveProperty(failing);
  });

  it('#47566, another process holding opencode.db past the 5 s busy timeout: the prompt is lost', async () => {
    const session = await newSession();
    const db = join(oc.dirs.data, 'opencode', 'opencode.db');
    // Another process takes the write lock for 8 s (OpenCode's busy timeout is 5 s).
    const holder = spawn('python3', [
      '-c',
      'import sqlite3,sys,time\n' +
        'c=sqlite3.connect(sys.argv[1],timeout=30,isolation_level=None)\n' +
        'c.execute("BEGIN IMMEDIATE");print("locked",flush=True);time.sleep(8);c.execute("COMMIT")',
      db,
    ]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const from = events.events.length;
    // prompt_async still answers 204 (after the 5 s wait), as if the prompt had been taken…
    expect(await promptAsync(session, 'written while the database is locked')).toBe(204);
    // …then the only event is a session.error carrying the whole stack trace…
    const end = await events.waitFor(
      (e) => of(session, 'session.idle')(e) || of(session, 'session.error')(e),
      { from, timeoutMs: 60_000 },
    );
    await new Promise((r) => holder.once('exit', r));
    expect(end.payload.type).toBe('session.error');
    const error = end.payload.properties['error'] as { name: string; data: { message: string } };
    expect(error.name).toBe('UnknownError');
    expect(error.data.message).toMatch(/LockTimeoutError[\s\S]*SQLiteError: database is locked/);
    // …and the prompt was never stored: nothing to retry from but the bridge's own copy.
    expect(await history(session)).toEqual([]);
    expect(
      events.events
        .slice(from)
        .filter((e) => eventSessionID(e.event) === session)
        .map((e) => e.event.payload.type),
    ).toEqual(['session.error']);
  });

  it('#36055, two tool calls in one step: one permission request each', async () => {
    const twin = await startTwinToolModel();
    const other = await startOpencode({ modelBaseUrl: twin.baseUrl });
    const stream = await subscribeGlobalEvents(other);
    try {
      const session = (await other.json<{ id: string }>('/session', { body: {} })).id;
      await other.fetch(`/session/${session}/prompt_async`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ type: 'text', text: 'run two commands' }] }),
      });
      await stream.waitFor(of(session, 'permission.asked'), { timeoutMs: 60_000 });
      await until(async () => (await other.json<unknown[]>('/permission')).length >= 2, 20_000);
      await sleep(3000); // time for a duplicate to arrive
      const asked = () =>
        stream
          .forSession(session)
          .filter((e) => e.payload.type === 'permission.asked')
          .map((e) => e.payload.properties as { id: string; tool?: { callID: string } });
      // One request per tool call, each with its own id: no duplicates on 1.18.33.
      expect(
        asked()
          .map((a) => a.tool?.callID)
          .sort(),
      ).toEqual(['call_twin_0', 'call_twin_1']);
      expect(new Set(asked().map((a) => a.id)).size).toBe(2);
      const pending = await other.json<Array<{ id: string; sessionID: string }>>('/permission');
      expect(pending.map((p) => p.sessionID)).toEqual([session, session]);
      for (const p of pending) {
        await other.json(`/permission/${p.id}/reply`, { body: { reply: 'once' } });
      }
      await stream.waitFor(of(session, 'session.idle'), { timeoutMs: 60_000 });
      expect(asked()).toHaveLength(2);
    } finally {
      stream.close();
      await other.stop();
      await twin.close();
    }
  });
});

async function until(predicate: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(200);
  }
}

/**
 * A tiny OpenAI-compatible model that answers the first user turn with two `bash` tool calls in
 * one step (the scripted model server makes one per step), then "Both ran." once tools answered.
 */
async function startTwinToolModel(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = JSON.parse(body || '{}') as {
        stream?: boolean;
        messages?: Array<{ role: string; content?: unknown }>;
      };
      const messages = request.messages ?? [];
      const isTitle = JSON.stringify(messages[0]?.content ?? '').includes('title');
      const toolsDone = messages.at(-1)?.role === 'tool';
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (isTitle || toolsDone) {
        res.write(
          chunk({ role: 'assistant', content: isTitle ? 'Twin tools' : 'Both ran.' }, null),
        );
        res.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
        return;
      }
      const call = (index: number, command: string) => ({
        index,
        id: `call_twin_${index}`,
        type: 'function',
        function: { name: 'bash', arguments: JSON.stringify({ command, description: command }) },
      });
      res.write(chunk({ role: 'assistant', content: '' }, null));
      res.write(chunk({ tool_calls: [call(0, 'echo one'), call(1, 'echo two')] }, null));
      res.end(chunk({}, 'tool_calls') + 'data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
