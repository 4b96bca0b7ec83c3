// Pipeline throughput: a long OpenCode event stream, expanded from the real captures in
// test/fixtures/opencode-events over many sessions, replayed as fast as a local HTTP server can
// send it through the bridge's real path: EventStream (fetch + eventsource-parser) → sessionIdOf →
// TurnRegistry/LiveTurn (TurnModel, renderLive) + the permission/question features → Messenger →
// the real outbox → a grammY Api whose transformer answers instantly (no Telegram).
//
// The server (this process) and the measured bridge side (a child process, `--worker`) are
// separate, so the child's CPU time and peak RSS are the bridge's alone.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BridgeContext as Ctx, Feature } from '../main/core/context';
import type { GlobalEvent } from '../main/core/opencode/types';
import { streamedText } from '../test/support/model-server';
import { testSettings } from '../test/support/settings';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../test/fixtures/opencode-events');

export interface PipelineConfig {
  /** Events to send in total (rounded up to whole turns). */
  events: number;
  sessions: number;
  /** Characters of each streamed answer (one delta ≈ 12 chars, as captured). */
  answerChars: number;
  /**
   * true: the bridge's real Telegram pacing (1 message/s per chat), so most deltas coalesce and
   * the replay ends long before Telegram would have caught up (the backlog is reported). false:
   * every limit off, so the outbox sends (and renders) as often as the stub answers: a worst case
   * for rendering, and every final answer is delivered before the run ends.
   */
  paced: boolean;
}

export interface PipelineResult {
  config: PipelineConfig;
  events: number;
  deltas: number;
  turns: number;
  permissionPrompts: number;
  seconds: number;
  eventsPerSecond: number;
  cpuMsPer1kEvents: number;
  /** CPU time / wall time while the events flowed (1.0 = one core busy). */
  cpuShare: number;
  peakRssMb: number;
  /** Telegram calls still queued when the last event was handled. */
  backlog: number;
  /** Unpaced: from the last event until every final answer was handed to the Bot API. */
  drainSeconds: number;
  telegramCalls: Record<string, number>;
  coalescedEdits: number;
  finalsDelivered: number;
  /**
   * Turns the registry "picked up from a previous run" although the bridge never restarted: the
   * previous turn's record was still persisted while its final answer was being delivered.
   */
  resumed: number;
  errors: string[];
}

// ---------------------------------------------------------------------------------------------
// The stream

interface Captured {
  t: number;
  data: { directory?: string; project?: string; payload: { type: string; properties?: unknown } };
}

interface Turn {
  lines: string[];
  /** index in `lines` of the session.idle that ends the turn */
  idleAt: number;
  messages: unknown[];
  deltas: number;
  prompts: number;
}

const TEMPLATES = ['stream', 'bash-once', 'stream', 'edit', 'stream', 'read', 'stream', 'question'];
const DELTA_CHARS = 12;

function load(name: string): Captured[] {
  return readFileSync(path.join(fixtures, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Captured)
    .filter((e) => e.data.payload.type !== 'server.connected');
}

const templates = new Map<string, Captured[]>();

function sessionOfTemplate(events: Captured[]): string {
  for (const e of events) {
    const m = /"sessionID":"(ses_[A-Za-z0-9]+)"/.exec(JSON.stringify(e.data));
    if (m?.[1]) return m[1];
  }
  throw new Error('template without a session');
}

/** One turn of session `s`: the captured events, ids made unique, a stream's deltas expanded. */
function makeTurn(template: string, s: number, k: number, answerChars: number): Turn {
  let events = templates.get(template);
  if (!events) {
    events = load(template);
    templates.set(template, events);
  }
  const templateSession = sessionOfTemplate(events);
  const session = `ses_bench${String(s).padStart(6, '0')}`;
  let payloads = events.map((e) => e.data);
  if (template === 'stream') payloads = expandDeltas(payloads, answerChars);
  const lines: string[] = [];
  const messages = new Map<string, { info: unknown; parts: Map<string, unknown> }>();
  let idleAt = -1;
  let deltas = 0;
  let prompts = 0;
  for (const data of payloads) {
    const raw = JSON.stringify(data)
      .split(templateSession)
      .join(session)
      .replace(/"((?:per|que)_[A-Za-z0-9]+)"/g, `"$1_${s}_${k}"`);
    lines.push(`data: ${raw}\n\n`);
    const payload = (JSON.parse(raw) as Captured['data']).payload;
    const props = (payload.properties ?? {}) as Record<string, unknown>;
    if (payload.type === 'message.part.delta') deltas++;
    if (payload.type === 'permission.asked' || payload.type === 'question.asked') prompts++;
    if (payload.type === 'session.idle' && idleAt < 0) idleAt = lines.length - 1;
    if (payload.type === 'message.updated') {
      const info = props['info'] as { id: string };
      const m = messages.get(info.id) ?? { info, parts: new Map() };
      m.info = info;
      messages.set(info.id, m);
    }
    if (payload.type === 'message.part.updated') {
      const part = props['part'] as { id: string; messageID: string };
      messages.get(part.messageID)?.parts.set(part.id, part);
    }
  }
  return {
    lines,
    idleAt,
    deltas,
    prompts,
    messages: [...messages.values()].map((m) => ({ info: m.info, parts: [...m.parts.values()] })),
  };
}

/** Replaces the captured deltas of the answer part with `chars` of text in 12-char deltas. */
function expandDeltas(payloads: Captured['data'][], chars: number): Captured['data'][] {
  const firstDelta = payloads.findIndex((p) => p.payload.type === 'message.part.delta');
  const sample = payloads[firstDelta];
  if (!sample) return payloads;
  const props = sample.payload.properties as { partID: string };
  const text = streamedText(chars, { md: true });
  const out: Captured['data'][] = [];
  payloads.forEach((p, i) => {
    if (i === firstDelta) {
      for (let at = 0; at < text.length; at += DELTA_CHARS) {
        out.push({
          ...sample,
          payload: {
            ...sample.payload,
            properties: { ...props, delta: text.slice(at, at + DELTA_CHARS) },
          },
        });
      }
      return;
    }
    if (p.payload.type === 'message.part.delta') return;
    const part = (p.payload.properties as { part?: { id?: string; text?: string } } | undefined)
      ?.part;
    if (p.payload.type === 'message.part.updated' && part?.id === props.partID && part.text) {
      out.push({
        ...p,
        payload: {
          ...p.payload,
          properties: { ...(p.payload.properties ?? {}), part: { ...part, text } },
        },
      });
      return;
    }
    out.push(p);
  });
  return out;
}

interface Stream {
  chunks: Buffer[];
  /** chunk index → finals that become readable once it is written */
  finals: Map<number, { session: string; messages: unknown[] }[]>;
  events: number;
  deltas: number;
  turns: number;
  prompts: number;
}

function buildStream(config: PipelineConfig): Stream {
  const perSession: { lines: string[]; finals: Map<number, unknown[]> }[] = [];
  let events = 0;
  let deltas = 0;
  let turns = 0;
  let prompts = 0;
  for (let s = 0; s < config.sessions; s++) perSession.push({ lines: [], finals: new Map() });
  // Turns are added round-robin so every session carries about the same share.
  for (let k = 0; events < config.events; k++) {
    for (let s = 0; s < config.sessions && events < config.events; s++) {
      const turn = makeTurn(TEMPLATES[k % TEMPLATES.length] ?? 'stream', s, k, config.answerChars);
      const own = perSession[s]!;
      own.finals.set(own.lines.length + turn.idleAt, turn.messages);
      own.lines.push(...turn.lines);
      events += turn.lines.length;
      deltas += turn.deltas;
      prompts += turn.prompts;
      turns++;
    }
  }
  // Sessions stream at once: their events interleave one by one.
  const chunks: Buffer[] = [];
  const finals = new Map<number, { session: string; messages: unknown[] }[]>();
  let pending: string[] = [];
  let pendingBytes = 0;
  let pendingFinals: { session: string; messages: unknown[] }[] = [];
  const longest = Math.max(...perSession.map((p) => p.lines.length));
  for (let i = 0; i < longest; i++) {
    perSession.forEach((own, s) => {
      const line = own.lines[i];
      if (line === undefined) return;
      pending.push(line);
      pendingBytes += line.length;
      const messages = own.finals.get(i);
      if (messages)
        pendingFinals.push({ session: `ses_bench${String(s).padStart(6, '0')}`, messages });
      if (pendingBytes >= 64 * 1024) flush();
    });
  }
  flush();
  function flush(): void {
    if (pending.length === 0) return;
    chunks.push(Buffer.from(pending.join('')));
    if (pendingFinals.length) finals.set(chunks.length - 1, pendingFinals);
    pending = [];
    pendingBytes = 0;
    pendingFinals = [];
  }
  return { chunks, finals, events, deltas, turns, prompts };
}

/** Serves the stream once on /global/event (then keeps the connection open), and the finals. */
async function serve(stream: Stream): Promise<{ server: Server; url: string }> {
  const finals = new Map<string, unknown[]>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/bench/info') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ events: stream.events }));
      return;
    }
    if (url.pathname === '/global/event') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      void (async () => {
        for (let i = 0; i < stream.chunks.length; i++) {
          for (const f of stream.finals.get(i) ?? []) finals.set(f.session, f.messages);
          if (!res.write(stream.chunks[i])) {
            await new Promise((resolve) => res.once('drain', resolve));
          }
          if (res.destroyed) return;
        }
      })();
      return;
    }
    const m = /^\/session\/([^/]+)\/message$/.exec(url.pathname);
    if (m?.[1]) {
      // Created "now", so the turn (which started moments ago) counts them as its own.
      const now = Date.now();
      const messages = (finals.get(m[1]) ?? []).map((msg) => {
        const { info, parts } = msg as { info: { time: Record<string, number> }; parts: unknown };
        return { info: { ...info, time: { ...info.time, created: now } }, parts };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(messages));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs one configuration: builds and serves the stream, measures a fresh worker process. */
export async function runPipeline(config: PipelineConfig): Promise<PipelineResult> {
  const stream = buildStream(config);
  const { server, url } = await serve(stream);
  const stateDir = await mkdtemp(path.join(tmpdir(), 'bench-pipeline-'));
  try {
    const child = spawn(
      process.execPath,
      [
        ...(process.env['BENCH_CPU_PROF']
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`]
          : []),
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--worker',
        JSON.stringify({ url, stateDir, config }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const last = out.trim().split('\n').at(-1) ?? '';
    if (code !== 0) throw new Error(`pipeline worker exited with ${code}: ${out.slice(-2000)}`);
    const result = JSON.parse(last) as Omit<
      PipelineResult,
      'deltas' | 'turns' | 'permissionPrompts'
    >;
    return {
      ...result,
      deltas: stream.deltas,
      turns: stream.turns,
      permissionPrompts: stream.prompts,
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(stateDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The measured side (child process)

async function worker(url: string, stateDir: string, config: PipelineConfig): Promise<void> {
  const { Api } = await import('grammy');
  const { fetch: undiciFetch } = await import('undici');
  const { ChatDirectory } = await import('../main/core/chats');
  const { permissionsFeature } = await import('../main/core/features/permissions');
  const { questionsFeature } = await import('../main/core/features/questions');
  const { ButtonRegistry } = await import('../main/core/interaction/buttons');
  const { createLogHub } = await import('../main/core/log');
  const { OpencodeClient } = await import('../main/core/opencode/client');
  const { EventStream } = await import('../main/core/opencode/event-stream');
  const { EventNormaliser } = await import('../main/core/opencode/v1/normalise');
  const { OpencodeV1Adapter } = await import('../main/core/opencode/v1/adapter');
  const { StateStore } = await import('../main/core/state-store');
  const { Messenger } = await import('../main/core/telegram/messenger');
  const { classifyTelegramError, createOutbox } = await import('../main/core/telegram/outbox');
  const { TurnRegistry } = await import('../main/core/turn/turns');

  const info = (await (await fetch(`${url}/bench/info`)).json()) as { events: number };
  const hub = createLogHub({ minLevel: 'info' });
  const errors: string[] = [];
  let resumed = 0;
  hub.addSink((e) => {
    if (e.message.startsWith('Picking up the turn')) resumed++;
    if (e.level === 'error' && errors.length < 20) errors.push(`${e.scope}: ${e.message}`);
  });

  // Telegram stubbed: every call answers at once, as a real Bot API would shape it.
  const calls: Record<string, number> = {};
  let nextMessageId = 1;
  let notices = 0;
  const api = new Api('1:BENCH');
  api.config.use((_prev, method, payload) => {
    calls[method] = (calls[method] ?? 0) + 1;
    const p = payload as Record<string, unknown>;
    if (method === 'sendMessage' && /^(✅|⚠️|⏹)/u.test(String(p['text']))) notices++;
    const chat = { id: Number(p['chat_id']), type: 'private', first_name: 'Ada' };
    const message = {
      message_id: method === 'sendMessage' ? nextMessageId++ : Number(p['message_id'] ?? 0),
      date: Math.floor(Date.now() / 1000),
      chat,
      text: typeof p['text'] === 'string' ? p['text'] : '',
    };
    const result = method === 'sendMessage' || method === 'editMessageText' ? message : true;
    return Promise.resolve({ ok: true, result } as never);
  });

  const store = StateStore.inDir(stateDir);
  await store.load();
  const rest = new OpencodeClient({
    baseUrl: url,
    username: 'opencode',
    password: 'bench',
    fetch: undiciFetch as never,
  });
  const client = new OpencodeV1Adapter(rest, {
    fetch: undiciFetch as never,
    log: hub.logger('opencode'),
    setting: 'OPENCODE_URL',
  });
  // The bench server serves no OpenAPI document: the stream is read without the server check.
  const normaliser = new EventNormaliser();
  const unlimited = {
    chatIntervalMs: 0,
    groupPerMinute: 1e9,
    globalPerSecond: 1e9,
    maxInFlight: 1e9,
  };
  const outbox = createOutbox({
    limits: config.paced ? { chatIntervalMs: 1000 } : unlimited,
    classify: classifyTelegramError,
  });
  const messenger = new Messenger(api, outbox, hub.logger('telegram'));
  const chats = new ChatDirectory(store, stateDir);
  // Each session followed by its own private chat (no group budget: that is the load bench).
  for (let s = 0; s < config.sessions; s++) {
    await chats.update({ chatId: 100_000 + s }, (c) => {
      c.sessionId = `ses_bench${String(s).padStart(6, '0')}`;
    });
  }
  /** Turns that ended (session.idle reached the registry); each owes the phone a notice. */
  let turnsEnded = 0;
  const turns = new TurnRegistry({
    messenger,
    client,
    chats,
    log: hub.logger('turn'),
    store,
    now: Date.now,
    onChange: () => undefined,
  });
  const context: Ctx = {
    settings: testSettings({
      telegramBotToken: '1:BENCH',
      allowedUserIds: [4242],
      telegramApiRoot: 'http://127.0.0.1:9',
      opencodeUrl: url,
      opencodePort: 0,
      opencodePassword: 'bench',
      defaultProject: stateDir,
      stateDir,
      editIntervalMs: 1000,
    }),
    logger: (scope) => hub.logger(scope),
    client,
    messenger,
    api,
    store,
    chats,
    turns,
    buttons: new ButtonRegistry(store, Date.now),
    now: Date.now,
    statusChanged: () => undefined,
    beforeSideEffect: () => Promise.resolve(),
  };
  const features: Feature[] = [permissionsFeature(context), questionsFeature(context)];

  let count = 0;
  let t0 = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let t1 = 0;
  let cpu = 0;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  // What the bridge's OpenCode side does with each event, minus the tray's session titles.
  const onEvent = (global: GlobalEvent): void => {
    if (count === 0) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
    count++;
    const normalised = normaliser.normalise(global.payload);
    for (const event of normalised.kind === 'events' ? normalised.events : []) {
      const busy = turns.isBusy(event.sessionId);
      turns.onEvent(event);
      if (busy && !turns.isBusy(event.sessionId)) turnsEnded++;
      for (const f of features) f.onEvent?.(event);
    }
    if (count === info.events) {
      t1 = performance.now();
      const used = process.cpuUsage(cpu0);
      cpu = (used.user + used.system) / 1000;
      resolveDone();
    }
  };
  const events = new EventStream({
    client: rest,
    fetch: undiciFetch as never,
    log: hub.logger('opencode'),
    onEvent,
    onOpen: () => undefined,
  });
  events.start();
  const progress = setInterval(() => {
    if (process.env['BENCH_DEBUG']) console.error(`[pipeline] ${count}/${info.events} events`);
  }, 1000);
  await Promise.race([done, new Promise((r) => setTimeout(r, 300_000))]);
  clearInterval(progress);
  if (count < info.events) throw new Error(`only ${count} of ${info.events} events arrived`);
  // Paced, Telegram (1 message/s per chat) cannot keep up with hours of agent work replayed in
  // seconds, so the backlog is reported instead of waited for.
  const backlog = outbox.stats().queued;
  const drainStart = performance.now();
  if (!config.paced) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const st = outbox.stats();
      if (notices >= turnsEnded && st.queued === 0 && st.inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const drainSeconds = (performance.now() - drainStart) / 1000;
  clearInterval(sampler);
  await events.stop();
  outbox.stop();
  const seconds = (t1 - t0) / 1000;
  const result = {
    config,
    events: count,
    seconds,
    eventsPerSecond: count / seconds,
    cpuMsPer1kEvents: (cpu / count) * 1000,
    cpuShare: cpu / (t1 - t0),
    peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    backlog,
    drainSeconds,
    telegramCalls: calls,
    coalescedEdits: outbox.stats().coalesced,
    finalsDelivered: notices,
    resumed,
    errors,
  };
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (process.argv[2] === '--worker') {
  const { url, stateDir, config } = JSON.parse(process.argv[3] ?? '{}') as {
    url: string;
    stateDir: string;
    config: PipelineConfig;
  };
  worker(url, stateDir, config).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
