import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../../main/core/turn/tool-summary';
import { summarizeTools } from '../../main/core/turn/tool-summary';

const call = (
  tool: string,
  input: Record<string, unknown>,
  status: ToolCall['status'] = 'completed',
): ToolCall => ({
  tool,
  input,
  status,
});

describe('summarizeTools', () => {
  it('condenses a turn into one line, grouped by activity in first-seen order', () => {
    const line = summarizeTools([
      call('read', { filePath: '/p/a.ts' }),
      call('read', { filePath: '/p/b.ts' }),
      call('edit', { filePath: '/p/main/bot.ts' }),
      call('read', { filePath: '/p/c.ts' }),
      call('bash', { command: 'npm test' }, 'error'),
    ]);
    expect(line).toBe('read 3 files · edited bot.ts · ran npm test ✗');
  });

  it('marks running work and counts repeated reads of one file once', () => {
    expect(
      summarizeTools([call('read', { filePath: '/a' }), call('read', { filePath: '/a' })]),
    ).toBe('read a');
    expect(summarizeTools([call('bash', { command: 'make' }, 'running')])).toBe('ran make…');
  });

  it('is empty without tools and bounded with many', () => {
    expect(summarizeTools([])).toBe('');
    const many = Array.from({ length: 200 }, (_, i) => call(`tool${i}`, {}));
    expect(summarizeTools(many).length).toBeLessThanOrEqual(300);
  });
});
