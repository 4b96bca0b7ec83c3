// Smoke test of the bench against the REAL `opencode serve` (one instance for the whole file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReply, prompts, startModelServer } from '../support/model-server';
import type { ModelServer } from '../support/model-server';
import {
  eventSessionID,
  opencodeVersion,
  startOpencode,
  subscribeGlobalEvents,
} from '../support/opencode';
import type { EventStream, GlobalEvent, OpencodeInstance } from '../support/opencode';

interface MessageWithParts {
  info: { id: string; role: string; finish?: string };
  parts: { type: string; text?: string; synthetic?: boolean }[];
}

describe('real opencode serve', () => {
  let ms: ModelServer;
  let oc: OpencodeInstance;
  let es: EventStream;

  beforeAll(async () => {
    ms = await startModelServer();
    oc = await startOpencode({ modelBaseUrl: ms.baseUrl });
    es = await subscribeGlobalEvents(oc);
  });

  afterAll(async () => {
    es?.close();
    await oc?.stop();
    await ms?.close();
  });

  const is =
    (sessionID: string, type: string) =>
    (e: GlobalEvent): boolean =>
      e.payload.type === type && eventSessionID(e) === sessionID;

  async function newSession(): Promise<string> {
    const s = await oc.json<{ id: string }>(
      `/session?directory=${encodeURIComponent(oc.dirs.project)}`,
      { body: {} },
    );
    return s.id;
  }

  async function prompt(sessionID: string, text: string): Promise<void> {
    const r = await oc.fetch(`/session/${sessionID}/prompt_async`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parts: [{ type: 'text', text }] }),
    });
    expect(r.status).toBe(204);
  }

  async function lastAssistantText(sessionID: string): Promise<string> {
    const msgs = await oc.json<MessageWithParts[]>(`/session/${sessionID}/message?limit=1`);
    const last = msgs.at(-1)!;
    expect(last.info.role).toBe('assistant');
    return last.parts
      .filter((p) => p.type === 'text' && p.synthetic !== true)
      .map((p) => p.text ?? '')
      .join('');
  }

  it('runs the pinned version and answers health', async () => {
    const health = await oc.json<{ healthy: boolean; version: string }>('/global/health');
    expect(health).toEqual({ healthy: true, version: await opencodeVersion() });
  });

  it('streams message.part.delta and ends with the exact model text', async () => {
    const text = prompts.stream(400, { tps: 400, md: true });
    const expected = expectedReply(text);
    const sid = await newSession();
    const from = es.events.length;
    await prompt(sid, text);
    await es.waitFor(is(sid, 'session.idle'), { from, timeoutMs: 45_000 });

    const evs = es.forSession(sid, from);
    const deltas = evs.filter((e) => e.payload.type === 'message.part.delta');
    expect(deltas.length).toBeGreaterThan(3);
    const streamed = deltas.map((e) => e.payload.properties['delta'] as string).join('');
    expect(streamed).toBe(expected);

    // The final part.updated for the streamed part carries the full text.
    const partID = deltas[0]!.payload.properties['partID'];
    const finals = evs.filter(
      (e) =>
        e.payload.type === 'message.part.updated' &&
        (e.payload.properties['part'] as { id: string }).id === partID,
    );
    expect((finals.at(-1)!.payload.properties['part'] as { text: string }).text).toBe(expected);
    expect(await lastAssistantText(sid)).toBe(expected);
  });

  it('keeps Unicode, HTML-ish characters and backticks intact', async () => {
    const text = prompts.say('Grüße 👋 <b>&amp;</b> `x` — ok');
    const sid = await newSession();
    const from = es.events.length;
    await prompt(sid, text);
    await es.waitFor(is(sid, 'session.idle'), { from });
    expect(await lastAssistantText(sid)).toBe(expectedReply(text));
  });

  it('asks for bash permission and completes after replying once', async () => {
    const text = prompts.bash('echo bench-ok');
    const sid = await newSession();
    const from = es.events.length;
    await prompt(sid, text);
    const asked = await es.waitFor(is(sid, 'permission.asked'), { from });
    expect(asked.payload.properties).toMatchObject({
      permission: 'bash',
      patterns: ['echo bench-ok'],
    });
    const pending = await oc.json<{ id: string }[]>('/permission');
    expect(pending.map((p) => p.id)).toContain(asked.payload.properties['id']);

    const ok = await oc.json(`/permission/${asked.payload.properties['id'] as string}/reply`, {
      body: { reply: 'once' },
    });
    expect(ok).toBe(true);
    await es.waitFor(is(sid, 'permission.replied'), { from });
    await es.waitFor(is(sid, 'session.idle'), { from });

    const tool = es
      .forSession(sid, from)
      .filter((e) => e.payload.type === 'message.part.updated')
      .map(
        (e) =>
          e.payload.properties['part'] as {
            type: string;
            state?: { status: string; output?: string };
          },
      )
      .filter((p) => p.type === 'tool')
      .at(-1);
    expect(tool?.state).toMatchObject({ status: 'completed', output: 'bench-ok\n' });
    expect(await lastAssistantText(sid)).toBe(expectedReply(text));
  });

  it('asks a question and completes after the reply', async () => {
    const text = prompts.question();
    const sid = await newSession();
    const from = es.events.length;
    await prompt(sid, text);
    const asked = await es.waitFor(is(sid, 'question.asked'), { from });
    const questions = asked.payload.properties['questions'] as { options: { label: string }[] }[];
    expect(questions[0]?.options.map((o) => o.label)).toEqual(['Red', 'Blue']);

    await oc.json(`/question/${asked.payload.properties['id'] as string}/reply`, {
      body: { answers: [['Blue']] },
    });
    await es.waitFor(is(sid, 'question.replied'), { from });
    await es.waitFor(is(sid, 'session.idle'), { from });
    expect(await lastAssistantText(sid)).toBe(expectedReply(text, { answers: [['Blue']] }));
  });

  it('rejects a wrong password with 401 and an empty body', async () => {
    const r = await fetch(`${oc.url}/global/health`, {
      headers: { authorization: `Basic ${Buffer.from(`${oc.username}:wrong`).toString('base64')}` },
    });
    expect(r.status).toBe(401);
    expect(await r.text()).toBe('');
    const none = await fetch(`${oc.url}/session`);
    expect(none.status).toBe(401);
    await none.text();
  });

  it('answers unknown routes with 200 text/html (the web UI)', async () => {
    const r = await oc.fetch('/definitely/not/an/api/route');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    await r.text();
  });

  it('restarts on the same port with the same data (sessions survive)', async () => {
    const sid = await newSession();
    const pid = oc.pid;
    await oc.restart();
    expect(oc.pid).not.toBe(pid);
    const s = await oc.json<{ id: string }>(`/session/${sid}`);
    expect(s.id).toBe(sid);
  });

  it('never sees the password in its logs', () => {
    expect(oc.logs()).not.toContain(oc.password);
  });
});
