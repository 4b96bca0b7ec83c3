// Replays real OpenCode 1.18.33 event captures (test/fixtures/opencode-events, recorded by
// scripts/record-opencode-events.ts) through the bridge's routing and turn model.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GlobalEvent } from '../../main/core/opencode/types';
import { sessionIdOf } from '../../main/core/opencode/types';
import { EventNormaliser } from '../../main/core/opencode/v1/normalise';
import { TurnModel } from '../../main/core/turn/turn-model';
import { bridgeEvents } from '../support/raw-events';
import { expectedReply } from '../support/model-server';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/opencode-events');

function replay(name: string): { turn: TurnModel; idleSeen: boolean } {
  const index = JSON.parse(readFileSync(path.join(fixtures, 'index.json'), 'utf8')) as {
    scenarios: Array<{ name: string; sessionID: string }>;
  };
  const sessionId = index.scenarios.find((s) => s.name === name)!.sessionID;
  const turn = new TurnModel(sessionId, 0);
  let idleSeen = false;
  const normaliser = new EventNormaliser();
  for (const line of readFileSync(path.join(fixtures, `${name}.jsonl`), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const event = (JSON.parse(line) as { data: GlobalEvent }).data.payload;
    if (sessionIdOf(event) !== sessionId) continue;
    for (const normalised of bridgeEvents(event, normaliser)) {
      turn.apply(normalised);
      if (normalised.type === 'turn-finished') idleSeen = true;
    }
  }
  return { turn, idleSeen };
}

describe('replaying recorded OpenCode turns', () => {
  it('a streamed Markdown answer ends with the model’s exact text', () => {
    const { turn, idleSeen } = replay('stream');
    expect(idleSeen).toBe(true);
    expect(turn.answer).toBe(expectedReply('[[stream chars=600 tps=150 md=1]]'));
  });

  it('a turn with an approved bash call keeps the text of both steps and the tool', () => {
    const { turn } = replay('bash-once');
    expect(turn.answer).toBe(expectedReply('[[bash:echo hello]]'));
    expect(turn.toolCalls).toEqual([
      expect.objectContaining({
        tool: 'bash',
        status: 'completed',
        input: { command: 'echo hello' },
      }),
    ]);
  });

  it('an aborted turn is marked as stopped, not failed', () => {
    const { turn } = replay('abort');
    expect(turn.aborted).toBe(true);
    expect(turn.error).toBeUndefined();
  });

  it('retries show up as session status while the turn goes on', () => {
    const index = readFileSync(path.join(fixtures, 'error-500-retry.jsonl'), 'utf8');
    expect(index).toContain('"type":"retry"');
    const { turn } = replay('error-500-retry');
    expect(turn.answer.length).toBeGreaterThan(0);
  });
});
