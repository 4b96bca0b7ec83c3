import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../main/core/status';
import { ProblemReporter, createLogHub, formatLogLine } from '../../main/core/log';

describe('log hub', () => {
  it('redacts registered secrets, also base64-encoded as in Basic auth', () => {
    const hub = createLogHub({ now: () => 0 });
    const lines: LogEntry[] = [];
    hub.addSink((e) => lines.push(e));
    hub.addSecret('s3cret-pass');
    const b64 = Buffer.from('s3cret-pass').toString('base64');
    hub.logger('x').error(`auth s3cret-pass failed; header ${b64}`);
    expect(lines[0]?.message).toBe('auth [redacted] failed; header [redacted]');
  });

  it('formats one line per entry', () => {
    const line = formatLogLine({ time: 0, level: 'info', scope: 'telegram', message: 'a\nb' });
    expect(line).toBe('1970-01-01T00:00:00.000Z info  [telegram] a ⏎ b');
  });

  it('says a problem once and its recovery once', () => {
    const hub = createLogHub();
    const lines: string[] = [];
    hub.addSink((e) => lines.push(`${e.level}:${e.message}`));
    const problems = new ProblemReporter(hub.logger('t'));
    problems.problem('down', 'down');
    problems.problem('down', 'down');
    problems.resolved('up');
    problems.resolved('up');
    expect(lines).toEqual(['error:down', 'info:up']);
  });
});
