// Runs the headless bridge exactly as `npm run bridge` does (node --import tsx main/cli.ts), as a
// child process with a clean environment, and lets a test read its log lines and stop or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BridgeProcess {
  readonly lines: string[];
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM; resolves with the exit code and how long the bridge took to stop. */
  stop(): Promise<{ code: number | string; ms: number }>;
  kill9(): Promise<void>;
}

export function startBridge(
  env: Record<string, string>,
  options: { cwd?: string } = {},
): BridgeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'main/cli.ts')], {
    cwd: options.cwd ?? repoRoot,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string): void => {
    lines.push(line);
    if (process.env['BRIDGE_TEST_VERBOSE']) console.log(`[bridge] ${line}`);
    for (const wake of waiters) wake();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve(code ?? signal ?? -1);
    }),
  );

  return {
    lines,
    child,
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit !== undefined) {
            done();
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`bridge exited before logging ${pattern}:\n${lines.join('\n')}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}; bridge said:\n${lines.join('\n')}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
