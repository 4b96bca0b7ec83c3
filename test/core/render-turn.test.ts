import { describe, expect, it } from 'vitest';
import type { OpencodeEvent, Part } from '../../main/core/opencode/types';
import { visibleLength } from '../../main/core/telegram/format';
import {
  describeAgentError,
  renderFinal,
  renderLive,
  renderNotice,
} from '../../main/core/turn/render-turn';
import { TurnModel } from '../../main/core/turn/turn-model';
import { feed } from '../support/raw-events';

const S = 'ses_1';
const text = (id: string, t: string, extra: Partial<Part> = {}): OpencodeEvent => ({
  type: 'message.part.updated',
  properties: {
    part: { id, sessionID: S, messageID: 'msg_a', type: 'text', text: t, ...extra } as Part,
  },
});
const delta = (partID: string, d: string): OpencodeEvent => ({
  type: 'message.part.delta',
  properties: { sessionID: S, messageID: 'msg_a', partID, field: 'text', delta: d },
});
const tool = (
  callID: string,
  name: string,
  input: Record<string, unknown>,
  status = 'completed',
): OpencodeEvent => ({
  type: 'message.part.updated',
  properties: {
    part: {
      id: `prt_${callID}`,
      sessionID: S,
      messageID: 'msg_a',
      type: 'tool',
      callID,
      tool: name,
      state: { status, input },
    } as Part,
  },
});
const options = { showReasoning: false };

describe('TurnModel', () => {
  it('builds the answer from deltas, and the final part text replaces them', () => {
    const turn = new TurnModel(S, 0);
    feed(turn, text('p1', ''));
    feed(turn, delta('p1', 'Hel'));
    feed(turn, delta('p1', 'lo'));
    expect(turn.answer).toBe('Hello');
    feed(turn, text('p1', 'Hello, world', { time: { start: 0, end: 1 } }));
    expect(turn.answer).toBe('Hello, world');
  });

  it('keeps text parts in order across steps and skips synthetic ones', () => {
    const turn = new TurnModel(S, 0);
    feed(turn, text('p1', 'First.'));
    feed(turn, tool('c1', 'bash', { command: 'ls' }));
    feed(turn, text('p2', 'Second.'));
    feed(turn, text('p3', 'internal', { synthetic: true }));
    expect(turn.answer).toBe('First.\n\nSecond.');
  });

  it('treats a user abort as a stop, not an error', () => {
    const turn = new TurnModel(S, 0);
    feed(turn, {
      type: 'session.error',
      properties: { sessionID: S, error: { name: 'MessageAbortedError' } },
    });
    expect(turn.aborted).toBe(true);
    expect(turn.error).toBeUndefined();
    expect(renderNotice(turn, 3000)).toBe('⏹ Stopped after 3 s.');
  });
});

describe('rendering', () => {
  it('shows tools, the answer so far and progress while working', () => {
    const turn = new TurnModel(S, 0);
    feed(turn, tool('c1', 'read', { filePath: '/p/a.ts' }));
    feed(turn, text('p1', 'Use **bold** & <tags>'));
    expect(renderLive(turn, options)).toBe(
      '🔧 <i>read a.ts</i>\n\nUse <b>bold</b> &amp; &lt;tags&gt;\n\n⏳ <i>working…</i>',
    );
  });

  it('shows retries in plain words', () => {
    const turn = new TurnModel(S, 0);
    feed(turn, {
      type: 'session.status',
      properties: {
        sessionID: S,
        status: { type: 'retry', attempt: 2, message: 'overloaded', next: 0 },
      },
    });
    expect(renderLive(turn, options)).toContain('🔁 <i>retrying (attempt 2): overloaded</i>');
  });

  it('keeps the live message within 4096 visible characters however long the answer', () => {
    const turn = new TurnModel(S, 0);
    feed(turn, text('p1', 'word '.repeat(5000)));
    expect(visibleLength(renderLive(turn, options))).toBeLessThanOrEqual(4096);
  });

  it('delivers a long final answer in full over several messages', () => {
    const turn = new TurnModel(S, 0);
    const paragraphs = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} ${'x'.repeat(200)}`);
    feed(turn, text('p1', paragraphs.join('\n\n')));
    const chunks = renderFinal(turn, options);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(visibleLength(chunk)).toBeLessThanOrEqual(4096);
    const joined = chunks.join('\n\n');
    for (const p of paragraphs) expect(joined).toContain(p);
  });

  it('says when there was no text answer', () => {
    expect(renderFinal(new TurnModel(S, 0), options)).toEqual(['<i>(no text answer)</i>']);
  });

  it('summarises a finished turn with duration, tokens and cost', () => {
    const turn = new TurnModel(S, 1000);
    feed(turn, {
      type: 'message.updated',
      properties: {
        info: {
          id: 'msg_a',
          sessionID: S,
          role: 'assistant',
          parentID: 'msg_u',
          modelID: 'm1',
          providerID: 'local',
          cost: 0.0123,
          tokens: { input: 1000, output: 234, reasoning: 0, cache: { read: 0, write: 0 } },
          time: { created: 1000 },
        },
      },
    });
    expect(renderNotice(turn, 13_400)).toBe('✅ Done in 12 s · 1,234 tokens · $0.0123');
  });

  it('explains agent errors in plain words', () => {
    expect(describeAgentError({ name: 'ContextOverflowError' })).toMatch(/\/new/);
    expect(describeAgentError({ name: 'ProviderAuthError', data: { message: 'bad key' } })).toMatch(
      /credentials \(bad key\)/,
    );
    const turn = new TurnModel(S, 0);
    feed(turn, {
      type: 'session.error',
      properties: { sessionID: S, error: { name: 'APIError', data: { message: 'boom <x>' } } },
    });
    expect(renderNotice(turn, 2000)).toBe(
      "⚠️ Failed after 2 s: the model's API answered with an error: boom &lt;x&gt;.",
    );
  });
});
