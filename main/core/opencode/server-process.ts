// Launches and supervises `opencode serve` on a pinned loopback port. The port never floats: the
// TUI at the desk attaches to the same URL every day. Its output is read line by line into the log;
// if it dies it is restarted with backoff; `stop()` ends it (SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../log';
import { ProblemReporter } from '../log';
import { childEnv } from './child-env';
import { backoffDelayMs, defaultBackoff } from './connection-state';

export interface ServerProcessOptions {
  binary: string;
  port: number;
  username: string;
  password: string;
  cwd: string;
  log: Logger;
  /** A client for the launched server, used to wait for /global/health. */
  client: { readonly baseUrl: string; health(): Promise<{ healthy: boolean; version: string }> };
  /** The environment to start from (default process.env); cleaned by `childEnv` before use. */
  env?: NodeJS.ProcessEnv;
  /** Values the server (and so the agent's tools) must not see in its environment. */
  secrets?: readonly string[];
  spawnImpl?: typeof spawn;
}

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export class OpencodeServerProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly problems: ProblemReporter;

  constructor(private readonly options: ServerProcessOptions) {
    this.problems = new ProblemReporter(options.log);
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** Starts the server and resolves once it answers /global/health. */
  async start(): Promise<void> {
    this.stopping = false;
    this.spawnChild();
    await this.waitHealthy();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    this.options.log.info('Stopped the OpenCode server the bridge had started.');
  }

  private spawnChild(): void {
    const { binary, port, username, password, cwd, log } = this.options;
    const args = ['serve', '--hostname', '127.0.0.1', '--port', String(port)];
    log.info(`Starting ${binary} ${args.join(' ')} in ${cwd}`);
    const child = (this.options.spawnImpl ?? spawn)(binary, args, {
      cwd,
      // OpenCode 1.18 reads its password only from OPENCODE_SERVER_PASSWORD (no flag, no config
      // field), so that one stays; the bridge's own secrets do not.
      env: childEnv(this.options.env ?? process.env, {
        secrets: this.options.secrets ?? [],
        username,
        password,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) {
        createInterface({ input: stream }).on('line', (line) => {
          if (line.trim()) log.debug(`opencode: ${line}`);
        });
      }
    }
    child.once('error', (error) => {
      const hint =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? ` Install it (npm i -g opencode-ai) or set OPENCODE_BIN to its path, or set OPENCODE_URL to attach to a running server.`
          : '';
      this.problems.problem('spawn', `Could not start ${binary}: ${error.message}.${hint}`);
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      this.restarts += 1;
      const delay = backoffDelayMs(this.restarts, Math.random(), defaultBackoff);
      this.problems.problem(
        'exit',
        `OpenCode server exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 1000)} s. ` +
          `If port ${port} is taken by another server, set OPENCODE_URL to attach to it instead.`,
      );
      this.restartTimer = setTimeout(() => {
        if (this.stopping) return;
        this.spawnChild();
        void this.waitHealthy().then(
          () => {
            this.restarts = 0;
            this.problems.resolved('OpenCode server is running again.');
          },
          () => undefined,
        );
      }, delay);
    });
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let lastError: unknown;
    while (Date.now() < deadline && !this.stopping) {
      try {
        const health = await this.options.client.health();
        if (health.healthy) return;
      } catch (error) {
        lastError = error;
      }
      if (!this.child) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `OpenCode did not become healthy on port ${this.options.port}` +
        (lastError instanceof Error ? `: ${lastError.message}` : '.'),
    );
  }
}
