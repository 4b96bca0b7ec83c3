import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLogHub } from '../../main/core/log';
import type { LogEntry } from '../../main/core/status';
import { installProcessGuard } from '../../main/core/process-guard';
import { startBridge } from '../support/bridge-process';

const SECRET = `secret-${Math.random().toString(36).slice(2)}`;

function guarded(stop: () => Promise<void> = () => Promise.resolve()) {
  const hub = createLogHub();
  hub.addSecret(SECRET);
  const lines: LogEntry[] = [];
  hub.addSink((entry) => lines.push(entry));
  const proc = new EventEmitter();
  const exit = vi.fn<(code: number) => void>();
  const stopSpy = vi.fn(stop);
  installProcessGuard({ process: proc, log: hub.logger('bridge'), stop: stopSpy, exit });
  return { proc, lines, exit, stop: stopSpy };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('process guard', () => {
  it('logs an unhandled rejection with its stack, redacted, and keeps running', () => {
    const { proc, lines, exit, stop } = guarded();
    proc.emit(
      'unhandledRejection',
      new Error(`GET https://api.telegram.org/bot${SECRET}/x failed`),
    );
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?.level).toBe('error');
    expect(line?.message).toContain('Unhandled rejection (the bridge keeps running)');
    expect(line?.message).toContain('/bot[redacted]/x failed');
    expect(line?.message).toMatch(/\n\s+at /);
    expect(line?.message).not.toContain(SECRET);
    expect(stop).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });

  it('on an uncaught exception, stops cleanly and then exits 1', async () => {
    let stopped!: () => void;
    const { proc, lines, exit, stop } = guarded(
      () => new Promise<void>((resolve) => (stopped = resolve)),
    );
    proc.emit('uncaughtException', new Error(`token ${SECRET} in a message`));
    expect(lines[0]?.message).toContain('Uncaught exception; stopping: Error: token [redacted]');
    expect(stop).toHaveBeenCalledOnce();
    await flush();
    expect(exit).not.toHaveBeenCalled();
    stopped();
    await flush();
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 even when stopping fails, and at once on a second exception', async () => {
    const { proc, lines, exit } = guarded(() => Promise.reject(new Error('port busy')));
    proc.emit('uncaughtException', new Error('first'));
    await flush();
    expect(lines[1]?.message).toMatch(/^Stopping failed: Error: port busy/);
    expect(exit).toHaveBeenCalledWith(1);

    const hung = guarded(() => new Promise<void>(() => undefined));
    hung.proc.emit('uncaughtException', new Error('first'));
    hung.proc.emit('uncaughtException', new Error('second'));
    expect(hung.exit).toHaveBeenCalledWith(1);
  });

  it('the headless bridge logs a rejection nobody handled and keeps running', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'guard-test-'));
    // Loaded before the bridge: once the bridge has started, a promise somewhere rejects unhandled.
    const preload = path.join(dir, 'reject-after-start.mjs');
    await writeFile(
      preload,
      `const write = process.stdout.write.bind(process.stdout);
      let fired = false;
      process.stdout.write = (chunk, ...rest) => {
        if (!fired && String(chunk).includes('State in')) {
          fired = true;
          setImmediate(() => Promise.reject(new Error('nobody caught me')));
        }
        return write(chunk, ...rest);
      };`,
    );
    const bridge = startBridge({
      NODE_OPTIONS: `--import=${preload}`,
      TELEGRAM_BOT_TOKEN: `${Date.now()}:test-only`,
      TELEGRAM_ALLOWED_USERS: '1',
      // Nothing listens on either: the test is about the process, not about talking.
      TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
      OPENCODE_URL: 'http://127.0.0.1:1',
      OPENCODE_SERVER_PASSWORD: 'test-only-password',
      BRIDGE_STATE_DIR: path.join(dir, 'state'),
    });
    try {
      const line = await bridge.waitForLine(/Unhandled rejection/);
      expect(line).toContain('(the bridge keeps running): Error: nobody caught me ⏎ at ');
      expect((await bridge.stop()).code).toBe(0);
      expect(bridge.lines.at(-1)).toContain('Bridge stopped.');
    } finally {
      await bridge.kill9();
    }
  });
});
