import { describe, expect, it } from 'vitest';
import type { InputRichBlock } from 'grammy/types';
import type { OpencodeEvent } from '../../main/core/opencode/types';
import { measureBlocks, RICH_MESSAGE_LIMITS } from '../../main/core/telegram/format';
import { renderRichDraft, renderRichFinal, STOPPED_NOTE } from '../../main/core/turn/render-rich';
import { TurnModel } from '../../main/core/turn/turn-model';
import { feed } from '../support/raw-events';

const S = 'ses_1';
const part = (id: string, type: 'text' | 'reasoning', t: string): OpencodeEvent => ({
  type: 'message.part.updated',
  properties: { part: { id, sessionID: S, messageID: 'msg_a', type, text: t } },
});
const bash = (command: string): OpencodeEvent => ({
  type: 'message.part.updated',
  properties: {
    part: {
      id: 'prt_c1',
      sessionID: S,
      messageID: 'msg_a',
      type: 'tool',
      callID: 'c1',
      tool: 'bash',
      state: { status: 'completed', input: { command } },
    },
  },
});
const hidden = { showReasoning: false };
const shown = { showReasoning: true };

function turnWith(...events: OpencodeEvent[]): TurnModel {
  const turn = new TurnModel(S, 0);
  for (const e of events) feed(turn, e);
  return turn;
}

const types = (blocks: InputRichBlock[]) => blocks.map((b) => b.type);

describe('rich final answer', () => {
  it('is one message: the tool activity folded in a details block, then the answer as blocks', () => {
    const groups = renderRichFinal(
      turnWith(bash('npm test'), part('p1', 'text', '# Done\n\n| a | b |\n|---|---|\n| 1 | 2 |')),
      hidden,
    );
    expect(groups).toHaveLength(1);
    const [details, heading, table] = groups[0]!;
    expect(details).toMatchObject({ type: 'details', summary: '🔧 ran npm test' });
    expect(JSON.stringify(details)).toContain('bash: npm test');
    expect(heading?.type).toBe('heading');
    expect(table?.type).toBe('table');
  });

  it('splits only beyond a message’s limits', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} ${'word '.repeat(40)}`);
    const groups = renderRichFinal(turnWith(part('p1', 'text', long.join('\n\n'))), hidden);
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      expect(measureBlocks(g).characters).toBeLessThanOrEqual(RICH_MESSAGE_LIMITS.characters);
      expect(measureBlocks(g).blocks).toBeLessThanOrEqual(RICH_MESSAGE_LIMITS.blocks);
    }
    const twelveK = renderRichFinal(turnWith(part('p1', 'text', 'x '.repeat(6000))), hidden);
    expect(twelveK).toHaveLength(1);
  });

  it('marks an answer the user stopped', () => {
    const turn = turnWith(part('p1', 'text', 'half of it'));
    turn.aborted = true;
    const [blocks] = renderRichFinal(turn, hidden);
    expect(JSON.stringify(blocks!.at(-1))).toContain(STOPPED_NOTE);
    const empty = new TurnModel(S, 0);
    empty.aborted = true;
    expect(JSON.stringify(renderRichFinal(empty, hidden))).toContain('stopped before answering');
  });
});

describe('rich draft', () => {
  it('shows "Working…" before anything, and reasoning in a thinking block only when asked', () => {
    expect(renderRichDraft(new TurnModel(S, 0), hidden)).toEqual([
      { type: 'thinking', text: 'Working…' },
    ]);
    const reasoned = turnWith(
      part('r1', 'reasoning', 'weighing A and B'),
      part('p1', 'text', 'B.'),
    );
    expect(types(renderRichDraft(reasoned, shown))).toEqual(['thinking', 'paragraph']);
    expect(types(renderRichDraft(reasoned, hidden))).toEqual(['paragraph']);
  });

  it('stays within a message’s limits, showing where a huge answer is now', () => {
    const long = Array.from({ length: 600 }, (_, i) => `Paragraph ${i}.`).join('\n\n');
    const blocks = renderRichDraft(turnWith(part('p1', 'text', long)), hidden);
    expect(measureBlocks(blocks).blocks).toBeLessThanOrEqual(RICH_MESSAGE_LIMITS.blocks);
    expect(JSON.stringify(blocks.at(-1))).toContain('Paragraph 599.');
  });
});
