// Record real `opencode serve` event traces and REST responses as fixtures.
//
//   npx tsx scripts/record-opencode-events.ts [scenario …]
//
// Starts the scripted model server + an isolated OpenCode, subscribes to GET /global/event, runs
// each scenario in a fresh session and writes
//   test/fixtures/opencode-events/<scenario>.jsonl   one line per SSE data line: {"t": ms, "data": {…}}
//   test/fixtures/opencode-events/index.json         per scenario: prompt, event-type sequence, model calls
//   test/fixtures/opencode-rest/<name>.json          example REST responses
// Temp paths are rewritten to /tmp/project (project dir) and /tmp/opencode-test (other dirs);
// the random password never reaches the files (checked before writing). Afterwards run
//   npx prettier --write test/fixtures/opencode-rest test/fixtures/opencode-events/index.json
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prompts, startModelServer } from '../test/support/model-server';
import type { ModelServer } from '../test/support/model-server';
import {
  eventSessionID,
  opencodeVersion,
  startOpencode,
  subscribeGlobalEvents,
} from '../test/support/opencode';
import type { EventStream, GlobalEvent, OpencodeInstance } from '../test/support/opencode';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS_DIR = join(ROOT, 'test/fixtures/opencode-events');
const REST_DIR = join(ROOT, 'test/fixtures/opencode-rest');

interface Ctx {
  oc: OpencodeInstance;
  ms: ModelServer;
  es: EventStream;
  dir: string;
}

interface ScenarioResult {
  name: string;
  prompt: string;
  sessionID: string;
  durationMs: number;
  types: string[];
  modelCalls: string[];
  notes: string[];
}

const index: ScenarioResult[] = [];

function sanitize(text: string, ctx: Ctx): string {
  const { dirs } = ctx.oc;
  let out = text;
  for (const [from, to] of [
    [dirs.project, '/tmp/project'],
    [dirs.root, '/tmp/opencode-test'],
    [new URL(ctx.ms.baseUrl).origin, 'http://127.0.0.1:8000'],
    [ctx.oc.url, 'http://127.0.0.1:4096'],
  ] as const) {
    out = out.split(from).join(to);
    out = out.split(encodeURIComponent(from)).join(encodeURIComponent(to));
  }
  for (const secret of [
    ctx.oc.password,
    ctx.oc.authHeader,
    ctx.oc.authHeader.replace(/^Basic /, ''),
  ]) {
    if (out.includes(secret)) throw new Error('secret would leak into a fixture');
  }
  return out;
}

async function saveRest(ctx: Ctx, name: string, path: string): Promise<unknown> {
  const r = await ctx.oc.fetch(path);
  const text = await r.text();
  const ct = r.headers.get('content-type') ?? '';
  const body: unknown = ct.includes('json') ? JSON.parse(text) : text;
  const doc = {
    request: `GET ${path}`,
    status: r.status,
    contentType: ct,
    body,
  };
  await writeFile(
    join(REST_DIR, `${name}.json`),
    sanitize(JSON.stringify(doc, null, 2), ctx) + '\n',
  );
  return body;
}

async function newSession(ctx: Ctx): Promise<string> {
  const s = await ctx.oc.json<{ id: string }>(`/session?directory=${encodeURIComponent(ctx.dir)}`, {
    body: {},
  });
  return s.id;
}

async function promptAsync(ctx: Ctx, sessionID: string, text: string): Promise<void> {
  const r = await ctx.oc.fetch(`/session/${sessionID}/prompt_async`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ parts: [{ type: 'text', text }] }),
  });
  if (r.status !== 204) throw new Error(`prompt_async → ${r.status} ${await r.text()}`);
}

const isType =
  (sessionID: string, type: string) =>
  (e: GlobalEvent): boolean =>
    e.payload.type === type && eventSessionID(e) === sessionID;

async function runScenario(
  ctx: Ctx,
  name: string,
  prompt: string,
  drive: (sessionID: string, from: number, notes: string[]) => Promise<void>,
  opts: { settleMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const notes: string[] = [];
  const from = ctx.es.events.length;
  const modelFrom = ctx.ms.requests.length;
  const t0 = Date.now();
  const sessionID = await newSession(ctx);
  await promptAsync(ctx, sessionID, prompt);
  await drive(sessionID, from, notes);
  await ctx.es.waitFor(isType(sessionID, 'session.idle'), {
    from,
    timeoutMs: opts.timeoutMs ?? 60_000,
  });
  await new Promise((r) => setTimeout(r, opts.settleMs ?? 1500));
  const slice = ctx.es.events.slice(from);
  const base = slice[0]?.t ?? 0;
  const lines = slice.map((e) =>
    JSON.stringify({ t: e.t - base, data: JSON.parse(e.raw) as unknown }),
  );
  await writeFile(join(EVENTS_DIR, `${name}.jsonl`), sanitize(lines.join('\n') + '\n', ctx));
  const types = slice
    .map((e) => e.event.payload)
    .filter((p) => !['sync', 'plugin.added', 'server.heartbeat'].includes(p.type))
    .map((p) => {
      const props = p.properties ?? {};
      if (p.type === 'message.part.updated') {
        const part = props['part'] as { type?: string; state?: { status?: string } } | undefined;
        return `part.updated(${part?.type}${part?.state?.status !== undefined ? ':' + part.state.status : ''})`;
      }
      if (p.type === 'message.updated') {
        const info = props['info'] as { role?: string; finish?: string } | undefined;
        return `message.updated(${info?.role}${info?.finish !== undefined ? ':' + info.finish : ''})`;
      }
      if (p.type === 'session.status') {
        return `status(${(props['status'] as { type?: string } | undefined)?.type})`;
      }
      if (p.type === 'session.error') {
        const err = props['error'] as { name?: string } | undefined;
        return `session.error(${err?.name})`;
      }
      return p.type;
    })
    // collapse runs of deltas
    .filter((t, i, arr) => !(t === 'message.part.delta' && arr[i - 1] === 'message.part.delta'));
  const modelCalls = ctx.ms.requests
    .slice(modelFrom)
    .filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => `${r.kind}→${r.outcome ?? '?'}`);
  const result: ScenarioResult = {
    name,
    prompt,
    sessionID,
    durationMs: Date.now() - t0,
    types,
    modelCalls,
    notes,
  };
  index.push(result);
  console.log(
    `\n## ${name} (${result.durationMs} ms)\n${types.join(' → ')}\nmodel: ${modelCalls.join(', ')}`,
  );
  for (const n of notes) console.log(`note: ${n}`);
}

async function replyPermission(ctx: Ctx, id: string, reply: string, message?: string) {
  return ctx.oc.json(`/permission/${id}/reply`, {
    body: { reply, ...(message !== undefined ? { message } : {}) },
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  await mkdir(EVENTS_DIR, { recursive: true });
  await mkdir(REST_DIR, { recursive: true });
  const ms = await startModelServer();
  const t0 = Date.now();
  const oc = await startOpencode({ modelBaseUrl: ms.baseUrl });
  console.log(`opencode ${await opencodeVersion()} healthy after ${Date.now() - t0} ms`);
  const es = await subscribeGlobalEvents(oc);
  const ctx: Ctx = { oc, ms, es, dir: oc.dirs.project };
  const dq = `directory=${encodeURIComponent(ctx.dir)}`;
  const want = (n: string): boolean => only.length === 0 || only.includes(n);

  try {
    if (want('plain')) {
      await runScenario(ctx, 'plain', 'hello there', async () => {});
    }

    if (want('stream')) {
      await runScenario(ctx, 'stream', prompts.stream(600, { tps: 150, md: true }), async () => {});
    }

    if (want('say')) {
      await runScenario(
        ctx,
        'say-unicode',
        prompts.say('Grüße 👋 <b>&amp;</b> `code` — done'),
        async () => {},
      );
    }

    if (want('bash')) {
      await runScenario(ctx, 'bash-once', prompts.bash('echo hello'), async (sid, from, notes) => {
        const asked = await es.waitFor(isType(sid, 'permission.asked'), { from });
        const pending = (await saveRest(ctx, 'permission-list', '/permission')) as unknown[];
        notes.push(`GET /permission had ${pending.length} pending`);
        await saveRest(ctx, 'session-status-busy', '/session/status');
        const id = asked.payload.properties['id'] as string;
        notes.push(`reply → ${JSON.stringify(await replyPermission(ctx, id, 'once'))}`);
      });
      const last = index[index.length - 1]!;
      await saveRest(ctx, 'session-messages-limit2', `/session/${last.sessionID}/message?limit=2`);
      await saveRest(ctx, 'session-get', `/session/${last.sessionID}`);
      await saveRest(ctx, 'session-status-idle', '/session/status');

      await runScenario(ctx, 'bash-reject', prompts.bash('rm -rf build'), async (sid, from) => {
        const asked = await es.waitFor(isType(sid, 'permission.asked'), { from });
        await replyPermission(ctx, asked.payload.properties['id'] as string, 'reject');
      });

      await runScenario(
        ctx,
        'bash-reject-message',
        prompts.bash('rm -rf dist'),
        async (sid, from) => {
          const asked = await es.waitFor(isType(sid, 'permission.asked'), { from });
          await replyPermission(
            ctx,
            asked.payload.properties['id'] as string,
            'reject',
            'Please do not delete things',
          );
        },
      );

      await runScenario(ctx, 'bash-always', prompts.bash('echo always'), async (sid, from) => {
        const asked = await es.waitFor(isType(sid, 'permission.asked'), { from });
        await replyPermission(ctx, asked.payload.properties['id'] as string, 'always');
      });
    }

    if (want('question')) {
      await runScenario(ctx, 'question', prompts.question(), async (sid, from, notes) => {
        const asked = await es.waitFor(isType(sid, 'question.asked'), { from });
        await saveRest(ctx, 'question-list', '/question');
        const id = asked.payload.properties['id'] as string;
        const r = await ctx.oc.json(`/question/${id}/reply`, { body: { answers: [['Blue']] } });
        notes.push(`reply → ${JSON.stringify(r)}`);
      });
      await runScenario(
        ctx,
        'question-multi',
        prompts.question({ multiple: true }),
        async (sid, from) => {
          const asked = await es.waitFor(isType(sid, 'question.asked'), { from });
          const id = asked.payload.properties['id'] as string;
          await ctx.oc.json(`/question/${id}/reply`, {
            body: { answers: [['Red'], ['Cats', 'Dogs']] },
          });
        },
      );
      await runScenario(ctx, 'question-reject', prompts.question(), async (sid, from, notes) => {
        const asked = await es.waitFor(isType(sid, 'question.asked'), { from });
        const id = asked.payload.properties['id'] as string;
        const r = await ctx.oc.json(`/question/${id}/reject`, { method: 'POST' });
        notes.push(`reject → ${JSON.stringify(r)}`);
      });
    }

    if (want('edit')) {
      await runScenario(ctx, 'edit', prompts.edit('notes.txt'), async (sid, from) => {
        const asked = await es.waitFor(isType(sid, 'permission.asked'), { from });
        await saveRest(ctx, 'permission-list-edit', '/permission');
        await replyPermission(ctx, asked.payload.properties['id'] as string, 'once');
      });
      const last = index[index.length - 1]!;
      await saveRest(ctx, 'session-diff', `/session/${last.sessionID}/diff`);
      // The session-level diff stays [] here; the per-turn diff lives on the user message.
      const msgs = await ctx.oc.json<{ info: { id: string; role: string } }[]>(
        `/session/${last.sessionID}/message`,
      );
      const userMsg = msgs.find((m) => m.info.role === 'user');
      if (userMsg !== undefined) {
        await saveRest(
          ctx,
          'session-diff-message',
          `/session/${last.sessionID}/diff?messageID=${userMsg.info.id}`,
        );
      }
      await saveRest(ctx, 'session-messages-edit', `/session/${last.sessionID}/message?limit=2`);
      await runScenario(ctx, 'read', prompts.read('README.md'), async () => {});
    }

    if (want('error')) {
      await runScenario(ctx, 'error-500-retry', prompts.error(500, { times: 2 }), async () => {}, {
        timeoutMs: 90_000,
      });
      await runScenario(ctx, 'error-401', prompts.error(401), async () => {}, {
        timeoutMs: 90_000,
      });
      await runScenario(ctx, 'error-500-abort', prompts.error(500), async (sid, from, notes) => {
        await es.waitFor(
          (e) =>
            isType(sid, 'session.status')(e) &&
            (e.payload.properties['status'] as { type?: string }).type === 'retry',
          { from, timeoutMs: 30_000 },
        );
        await saveRest(ctx, 'session-status-retry', '/session/status');
        notes.push(
          `abort → ${JSON.stringify(await ctx.oc.json(`/session/${sid}/abort`, { method: 'POST' }))}`,
        );
      });
    }

    if (want('abort')) {
      await runScenario(
        ctx,
        'abort',
        prompts.slow({ ms: 100, secs: 30 }),
        async (sid, from, notes) => {
          await es.waitFor(isType(sid, 'message.part.delta'), { from, timeoutMs: 30_000 });
          await new Promise((r) => setTimeout(r, 500));
          notes.push(
            `abort → ${JSON.stringify(await ctx.oc.json(`/session/${sid}/abort`, { method: 'POST' }))}`,
          );
        },
      );
      const abortCall = ms.requests.filter((r) => r.kind === 'slow').at(-1);
      index[index.length - 1]!.notes.push(`model server saw: ${abortCall?.outcome}`);
    }

    if (want('queue')) {
      // Two prompts back-to-back: the second is queued behind the first.
      await runScenario(ctx, 'queued', prompts.stream(200, { tps: 100 }), async (sid) => {
        await promptAsync(ctx, sid, prompts.say('second message'));
      });
    }

    if (want('rest')) {
      await saveRest(ctx, 'config-providers', `/config/providers?${dq}`);
      await saveRest(ctx, 'agent', `/agent?${dq}`);
      await saveRest(ctx, 'project', `/project?${dq}`);
      await saveRest(ctx, 'project-current', `/project/current?${dq}`);
      await saveRest(ctx, 'session-list', `/session?${dq}&roots=true&limit=3`);
      await saveRest(ctx, 'path', `/path?${dq}`);
      await saveRest(ctx, 'health', '/global/health');
      await saveRest(ctx, 'command', `/command?${dq}`);

      // Auth / routing probes.
      const probe = async (label: string, path: string, headers: Record<string, string>) => {
        const r = await fetch(oc.url + path, { headers });
        const body = await r.text();
        return {
          label,
          path,
          status: r.status,
          contentType: r.headers.get('content-type'),
          bodyLength: body.length,
        };
      };
      const wrong = `Basic ${Buffer.from('opencode:wrong').toString('base64')}`;
      const probes = [
        await probe('no auth', '/global/health', {}),
        await probe('wrong password', '/global/health', { authorization: wrong }),
        await probe('good auth', '/global/health', { authorization: oc.authHeader }),
        await probe('unknown route', '/definitely/not/a/route', { authorization: oc.authHeader }),
        await probe('unknown route, no auth', '/definitely/not/a/route', {}),
        await probe('auth_token query', `/global/health?auth_token=AUTH_TOKEN`, {}),
      ];
      // Fill the auth_token probe for real (the label keeps the secret out of the file).
      const token = oc.authHeader.replace(/^Basic /, '');
      const r = await fetch(`${oc.url}/global/health?auth_token=${encodeURIComponent(token)}`);
      probes[5] = { ...probes[5]!, status: r.status, contentType: r.headers.get('content-type') };
      await r.text();
      await writeFile(
        join(REST_DIR, '_probes.json'),
        sanitize(JSON.stringify(probes, null, 2), ctx) + '\n',
      );
      console.log(probes);
    }
  } finally {
    const idxPath = join(EVENTS_DIR, only.length === 0 ? 'index.json' : `index.partial.json`);
    await writeFile(
      idxPath,
      sanitize(
        JSON.stringify({ opencode: await opencodeVersion(), scenarios: index }, null, 2),
        ctx,
      ) + '\n',
    );
    es.close();
    await oc.stop();
    await ms.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
