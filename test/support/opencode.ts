// Harness around the real `opencode serve` (npm opencode-ai, pinned in package.json).
//
// Every instance is isolated: its own HOME + XDG_* dirs under one temp root, config passed inline
// via OPENCODE_CONFIG_CONTENT, a random Basic-auth password, a pinned loopback port (so
// `restart()` comes back on the same URL with the same DB), and npm pointed at a dead loopback
// port so the background `@opencode-ai/plugin` install fails fast instead of reaching out.
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const execFileP = promisify(execFile);

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repo root (package.json + node_modules) not found');
    dir = up;
  }
}

/**
 * Absolute path of the `opencode` binary the bench runs: the pinned one (node_modules/.bin), or
 * OPENCODE_TEST_BIN to run the suite against another version (e.g. an older 1.18.x in /tmp).
 */
export function opencodeBin(): string {
  const other = process.env['OPENCODE_TEST_BIN'];
  if (other) return resolve(other);
  return join(repoRoot(), 'node_modules', '.bin', 'opencode');
}

let versionCache: string | undefined;
/** `opencode --version` of the pinned binary, e.g. "1.18.33". */
export async function opencodeVersion(): Promise<string> {
  if (versionCache === undefined) {
    const { stdout } = await execFileP(opencodeBin(), ['--version'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir() },
    });
    versionCache = stdout.trim();
  }
  return versionCache;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
};

/**
 * Create (or initialise) a git repo with one commit (README.md), so OpenCode gives it a stable
 * project id (= root commit sha). Returns the absolute directory path.
 */
export async function makeGitProject(dir?: string): Promise<string> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'oc-project-')));
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'README.md'), '# Test project\n\nScratch repo for OpenCode tests.\n');
  const env = { ...process.env, ...GIT_ENV, HOME: d };
  const git = (...args: string[]): Promise<unknown> => execFileP('git', args, { cwd: d, env });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'initial commit');
  return d;
}

export interface OpencodeDirs {
  /** Temp root holding everything below (removed by stop()). */
  root: string;
  home: string;
  data: string;
  config: string;
  cache: string;
  state: string;
  /** The project directory (cwd of the server; pass as ?directory=). */
  project: string;
}

/** The folders of an isolated OpenCode below `root`: home, the XDG folders and the project. */
function dirsBelow(root: string, project = join(root, 'project')): OpencodeDirs {
  return {
    root,
    home: join(root, 'home'),
    data: join(root, 'data'),
    config: join(root, 'config'),
    cache: join(root, 'cache'),
    state: join(root, 'state'),
    project,
  };
}

/**
 * A fresh temp tree for an OpenCode that a bridge launches itself (see isolatedOpencodeEnv): every
 * folder made, the project a git repo with one commit.
 */
export async function makeOpencodeDirs(prefix: string): Promise<OpencodeDirs> {
  const dirs = dirsBelow(await mkdtemp(join(tmpdir(), prefix)));
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  await makeGitProject(dirs.project);
  return dirs;
}

export interface StartOpencodeOptions {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1 */
  modelBaseUrl: string;
  password?: string;
  username?: string;
  /** Defaults to a fresh git repo with one commit inside the temp root. */
  projectDir?: string;
  /** Deep-merged over the default config (see defaultOpencodeConfig). */
  config?: Record<string, unknown>;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
  port?: number;
  /** Pass `--pure` (no external plugins). Default true. */
  pure?: boolean;
  startTimeoutMs?: number;
}

export interface OpencodeInstance {
  url: string;
  port: number;
  username: string;
  password: string;
  /** `Basic base64(user:pass)` */
  authHeader: string;
  dirs: OpencodeDirs;
  /** Current server pid (changes on restart). */
  readonly pid: number;
  /** ms from spawn to healthy, for the latest (re)start. */
  readonly startupMs: number;
  /** fetch() with Basic auth against the server; `path` is relative to `url`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** JSON request with auth; throws on non-2xx or non-JSON answers. */
  json<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** SIGTERM (then SIGKILL), remove temp dirs. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL without cleanup (dirs kept, so restart() works). */
  kill9(): Promise<void>;
  /** Stop the process (if running) and start it again on the same port with the same dirs. */
  restart(): Promise<void>;
  /** Captured stdout+stderr (password redacted). */
  logs(): string;
}

export function defaultOpencodeConfig(modelBaseUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://opencode.ai/config.json',
    model: 'local/m1',
    small_model: 'local/m1',
    enabled_providers: ['local'],
    provider: {
      local: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Local',
        options: { baseURL: modelBaseUrl, apiKey: 'test-key', timeout: 600000 },
        models: {
          m1: { name: 'M1', tool_call: true, limit: { context: 128000, output: 8192 } },
        },
      },
    },
    permission: { bash: 'ask', edit: 'ask' },
    share: 'disabled',
    autoupdate: false,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** Redact Basic/Bearer credentials and a known secret from a string. */
export function redact(text: string, secrets: string[] = []): string {
  let out = text.replace(
    /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',}]+/gi,
    '$1$2 [redacted]',
  );
  for (const s of secrets) if (s !== '') out = out.split(s).join('[redacted]');
  return out;
}

/**
 * The isolated, offline environment an OpenCode server of the bench runs in (without the server
 * password): also what a bridge that launches `opencode serve` itself must inherit in tests.
 */
export function isolatedOpencodeEnv(
  dirs: OpencodeDirs,
  config: Record<string, unknown>,
  deadRegistry: string,
): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TMPDIR: tmpdir(),
    HOME: dirs.home,
    XDG_DATA_HOME: dirs.data,
    XDG_CONFIG_HOME: dirs.config,
    XDG_CACHE_HOME: dirs.cache,
    XDG_STATE_HOME: dirs.state,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    // Any npm install (plugins, non-bundled providers) hits a closed loopback port and fails fast.
    npm_config_registry: deadRegistry,
    NPM_CONFIG_REGISTRY: deadRegistry,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_UPDATE_NOTIFIER: '1',
    NO_COLOR: '1',
    ...GIT_ENV,
  };
}

export async function startOpencode(opts: StartOpencodeOptions): Promise<OpencodeInstance> {
  const root = await mkdtemp(join(tmpdir(), 'oc-bench-'));
  const dirs = dirsBelow(
    root,
    opts.projectDir !== undefined ? resolve(opts.projectDir) : undefined,
  );
  for (const d of [dirs.home, dirs.data, dirs.config, dirs.cache, dirs.state]) {
    await mkdir(d, { recursive: true });
  }
  if (opts.projectDir === undefined) await makeGitProject(dirs.project);

  const port = opts.port ?? (await freePort());
  const deadRegistryPort = await freePort();
  const username = opts.username ?? 'opencode';
  const password = opts.password ?? randomBytes(18).toString('base64url');
  const authHeader = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const url = `http://127.0.0.1:${port}`;
  const config = deepMerge(defaultOpencodeConfig(opts.modelBaseUrl), opts.config ?? {});
  const deadRegistry = `http://127.0.0.1:${deadRegistryPort}/`;

  const env: Record<string, string> = {
    ...isolatedOpencodeEnv(dirs, config, deadRegistry),
    OPENCODE_SERVER_PASSWORD: password,
    OPENCODE_SERVER_USERNAME: username,
    ...opts.env,
  };
  const args = ['serve', '--hostname', '127.0.0.1', '--port', String(port)];
  if (opts.pure !== false) args.push('--pure');

  const secrets = [password, Buffer.from(`${username}:${password}`).toString('base64')];
  let logBuf = '';
  const appendLog = (s: string): void => {
    logBuf += redact(s, secrets);
    if (logBuf.length > 400_000) logBuf = logBuf.slice(-300_000);
  };

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let startupMs = 0;
  let stopped = false;

  const authFetch = (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('authorization', authHeader);
    return fetch(url + path, { ...init, headers });
  };

  const spawnAndWait = async (): Promise<void> => {
    const t0 = Date.now();
    const proc = spawn(opencodeBin(), args, {
      cwd: dirs.project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let exitInfo: string | undefined;
    exited = new Promise<void>((res) => {
      proc.once('exit', (code, signal) => {
        exitInfo = `code=${code} signal=${signal}`;
        appendLog(`\n[harness] opencode exited ${exitInfo}\n`);
        res();
      });
    });
    // Poking the port before OpenCode prints "listening" can stall the first request for
    // seconds, so health polling starts only after that line.
    let listening = false;
    proc.stdout?.setEncoding('utf8').on('data', (s: string) => {
      if (s.includes('server listening on')) listening = true;
      appendLog(s);
    });
    proc.stderr?.setEncoding('utf8').on('data', (s: string) => appendLog(s));

    const deadline = t0 + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (exitInfo !== undefined) {
        throw new Error(`opencode exited during startup (${exitInfo}):\n${logBuf.slice(-4000)}`);
      }
      try {
        if (!listening) throw new Error('not listening yet');
        const r = await authFetch('/global/health', { signal: AbortSignal.timeout(10_000) });
        if (r.ok && (r.headers.get('content-type') ?? '').includes('json')) {
          const body = (await r.json()) as { healthy?: boolean };
          if (body.healthy === true) break;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(
          `opencode not healthy after ${Date.now() - t0} ms:\n${logBuf.slice(-4000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    startupMs = Date.now() - t0;
  };

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await spawnAndWait();
  } catch (err) {
    await terminate('SIGKILL');
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    port,
    username,
    password,
    authHeader,
    dirs,
    get pid() {
      return child?.pid ?? -1;
    },
    get startupMs() {
      return startupMs;
    },
    fetch: authFetch,
    async json<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}) {
      const r = await authFetch(path, {
        method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
        ...(init.body !== undefined
          ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
          : {}),
      });
      const text = await r.text();
      const ct = r.headers.get('content-type') ?? '';
      if (!r.ok || !ct.includes('json')) {
        throw new Error(
          `${init.method ?? 'GET'} ${path} → ${r.status} ${ct}: ${text.slice(0, 500)}`,
        );
      }
      return JSON.parse(text) as T;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate('SIGTERM');
      await rm(root, { recursive: true, force: true });
    },
    async kill9() {
      await terminate('SIGKILL');
    },
    async restart() {
      await terminate('SIGTERM');
      await spawnAndWait();
    },
    logs: () => logBuf,
  };
}

// ---------------------------------------------------------------------------------------------
// /global/event subscriber

export interface OcPayload {
  id?: string;
  type: string;
  properties: Record<string, unknown>;
}

/** One `data:` line of GET /global/event. */
export interface GlobalEvent {
  directory?: string;
  project?: string;
  payload: OcPayload;
}

export interface ReceivedEvent {
  /** ms since subscribe() */
  t: number;
  /** the raw JSON text of the data line */
  raw: string;
  event: GlobalEvent;
}

export interface EventStream {
  readonly events: ReceivedEvent[];
  /**
   * Resolve with the first event (at index >= `from`, default 0) matching `pred`, waiting for
   * new ones up to `timeoutMs` (default 20 s).
   */
  waitFor(
    pred: (e: GlobalEvent) => boolean,
    opts?: { from?: number; timeoutMs?: number },
  ): Promise<GlobalEvent>;
  /** Events of one session (payload.properties.sessionID === id), from index `from`. */
  forSession(sessionID: string, from?: number): GlobalEvent[];
  close(): void;
}

/** Session id of an event, wherever OpenCode puts it. */
export function eventSessionID(e: GlobalEvent): string | undefined {
  const p = e.payload.properties;
  const direct = p['sessionID'];
  if (typeof direct === 'string') return direct;
  for (const k of ['info', 'part']) {
    const o = p[k];
    if (typeof o === 'object' && o !== null) {
      const s = (o as Record<string, unknown>)['sessionID'];
      if (typeof s === 'string') return s;
    }
  }
  return undefined;
}

/** Subscribe to GET /global/event; resolves once the response headers arrived. */
export async function subscribeGlobalEvents(
  oc: Pick<OpencodeInstance, 'url' | 'authHeader'>,
  path = '/global/event',
): Promise<EventStream> {
  const { createParser } = await import('eventsource-parser');
  const t0 = Date.now();
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  const ac = new AbortController();
  const res = await fetch(oc.url + path, {
    headers: { authorization: oc.authHeader, accept: 'text/event-stream' },
    signal: ac.signal,
  });
  if (!res.ok || res.body === null) throw new Error(`${path} → ${res.status}`);
  const parser = createParser({
    onEvent(msg) {
      let event: GlobalEvent;
      try {
        const parsed = JSON.parse(msg.data) as Partial<GlobalEvent> & OcPayload;
        // /event sends bare payloads; normalise to the /global/event shape.
        event =
          parsed.payload !== undefined
            ? (parsed as GlobalEvent)
            : { payload: { ...(parsed as OcPayload) } };
      } catch {
        return;
      }
      // `sync` payloads (duplicated sync-log entries) carry `syncEvent` instead of `properties`.
      if (typeof event.payload.properties !== 'object' || event.payload.properties === null) {
        event.payload.properties = {};
      }
      events.push({ t: Date.now() - t0, raw: msg.data, event });
      for (const w of [...waiters]) w();
    },
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      // aborted / server gone
    }
  })();

  return {
    events,
    waitFor(pred, opts = {}) {
      const from = opts.from ?? 0;
      const timeoutMs = opts.timeoutMs ?? 20_000;
      return new Promise<GlobalEvent>((resolve, reject) => {
        let idx = from;
        const check = (): boolean => {
          for (; idx < events.length; idx++) {
            const e = events[idx]!.event;
            if (pred(e)) {
              resolve(e);
              return true;
            }
          }
          return false;
        };
        if (check()) return;
        const onNew = (): void => {
          if (check()) {
            waiters.delete(onNew);
            clearTimeout(timer);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(onNew);
          const tail = events
            .slice(-15)
            .map((e) => e.event.payload.type)
            .join(', ');
          reject(new Error(`waitFor timed out after ${timeoutMs} ms; last events: ${tail}`));
        }, timeoutMs);
        waiters.add(onNew);
      });
    },
    forSession(sessionID, from = 0) {
      return events
        .slice(from)
        .map((e) => e.event)
        .filter((e) => eventSessionID(e) === sessionID);
    },
    close() {
      ac.abort();
    },
  };
}
