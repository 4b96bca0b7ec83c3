// The fields the bridge requires of OpenCode's events: every event real OpenCode 1.18.33 sent in
// the recorded captures passes, and one without what the bridge reads is named.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingField } from '../../main/core/opencode/event-shape';
import type { GlobalEvent, OpencodeEvent } from '../../main/core/opencode/types';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/opencode-events');

describe('missingField', () => {
  it('accepts every event of the recorded OpenCode sessions', () => {
    const rejected: string[] = [];
    let seen = 0;
    for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(path.join(fixtures, file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const event = (JSON.parse(line) as { data: GlobalEvent }).data.payload;
        seen += 1;
        const missing = missingField(event);
        if (missing) rejected.push(`${file}: ${event.type} without ${missing}`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(rejected).toEqual([]);
  });

  it('names the first field the bridge needs and the event lacks', () => {
    const event = (type: string, properties: unknown) => ({ type, properties }) as OpencodeEvent;
    expect(missingField(event('message.part.updated', { sessionID: 's' }))).toBe('part.id');
    expect(
      missingField(
        event('message.part.updated', {
          part: { id: 'p', type: 'tool', messageID: 'm', callID: 'c' },
        }),
      ),
    ).toBe('part.state.status');
    expect(
      missingField(
        event('message.updated', {
          info: { id: 'm', role: 'assistant', parentID: 'u', time: { created: 1 }, cost: 0 },
        }),
      ),
    ).toBe('info.tokens.input');
    expect(missingField(event('session.updated', { sessionID: 's' }))).toBe('info.id');
    expect(missingField(event('question.asked', { id: 'q', sessionID: 's' }))).toBe('questions');
    expect(missingField(event('server.heartbeat', {}))).toBeUndefined();
    expect(missingField(event('some.new.event', undefined))).toBeUndefined();
  });
});
