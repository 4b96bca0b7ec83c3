import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { createLogHub } from '../../main/core/log';
import type { LogEntry } from '../../main/core/status';
import { installProcessGuard } from '../../main/process-guard';

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

  it('a real process with the guard survives a rejection nobody handles', async () => {
    const script = `
      import { createLogHub, formatLogLine } from './main/core/log.ts';
      import { installProcessGuard } from './main/process-guard.ts';
      const hub = createLogHub();
      hub.addSink((e) => process.stdout.write(formatLogLine(e) + '\\n'));
      installProcessGuard({ process, log: hub.logger('bridge'), stop: async () => {}, exit: process.exit });
      void Promise.reject(new Error('nobody caught me'));
      setTimeout(() => { console.log('still running'); process.exit(0); }, 50);
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: path.resolve(import.meta.dirname, '../..') },
    );
    expect(stdout).toContain(
      'Unhandled rejection (the bridge keeps running): Error: nobody caught me',
    );
    expect(stdout).toContain('still running');
  });
});
