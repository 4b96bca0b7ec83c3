// A TurnModel as rich content (Bot API 10.1+): the streaming draft (reasoning in a "thinking"
// block, the answer so far) and the final answer as one message up to 32k characters, split only
// beyond, with the tool activity in a collapsible details block. Pure.
import type { InputRichBlock, RichText } from 'grammy/types';
import {
  markdownToRichBlocks,
  measureBlocks,
  RICH_MESSAGE_LIMITS,
  richDetails,
  richThinking,
  splitRichBlocks,
} from '../telegram/format';
import type { RenderOptions } from './render-turn';
import { summarizeTools, type ToolCall } from './tool-summary';
import type { TurnModel } from './turn-model';

/** Reasoning shown in a draft: its most recent part, as a draft is a glance, not a record. */
const DRAFT_REASONING_MAX = 1500;
const TOOLS_LISTED_MAX = 50;

export const STOPPED_NOTE = '⏹ Stopped: the answer above is as far as the agent got.';

const italic = (text: RichText): InputRichBlock => ({
  type: 'paragraph',
  text: { type: 'italic', text },
});

/** The draft while the agent works; always within a rich message's limits. */
export function renderRichDraft(turn: TurnModel, options: RenderOptions): InputRichBlock[] {
  const blocks: InputRichBlock[] = [];
  const tools = summarizeTools(turn.toolCalls);
  if (tools) blocks.push(italic(`🔧 ${tools}`));
  const reasoning = options.showReasoning ? turn.reasoning : '';
  if (reasoning) blocks.push(richThinking(tail(reasoning, DRAFT_REASONING_MAX)));
  const answer = turn.answer;
  if (answer) blocks.push(...markdownToRichBlocks(answer));
  if (turn.status.type === 'retry') {
    blocks.push(italic(`🔁 retrying (attempt ${turn.status.attempt})`));
  } else if (!answer && !reasoning) blocks.push(richThinking('Working…'));
  const size = measureBlocks(blocks);
  if (
    size.characters <= RICH_MESSAGE_LIMITS.characters &&
    size.blocks <= RICH_MESSAGE_LIMITS.blocks
  )
    return blocks;
  // Past 32k the draft shows where the answer is now: its last part.
  return splitRichBlocks(blocks).at(-1) ?? [];
}

/** The final answer: one message's blocks per element, more only past a message's limits. */
export function renderRichFinal(turn: TurnModel, options: RenderOptions): InputRichBlock[][] {
  const blocks: InputRichBlock[] = [];
  const tools = summarizeTools(turn.toolCalls);
  if (tools) blocks.push(richDetails(`🔧 ${tools}`, toolList(turn.toolCalls)));
  if (options.showReasoning && turn.reasoning) {
    blocks.push(richDetails('💭 Reasoning', paragraphs(turn.reasoning)));
  }
  const answer = turn.answer;
  if (answer) blocks.push(...markdownToRichBlocks(answer));
  else if (turn.aborted) blocks.push(italic('(stopped before answering)'));
  else if (turn.error) blocks.push(italic('(failed before answering)'));
  else blocks.push(italic('(no text answer)'));
  if (answer && turn.aborted) blocks.push(italic(STOPPED_NOTE));
  return splitRichBlocks(blocks);
}

function toolList(calls: readonly ToolCall[]): InputRichBlock[] {
  const shown = calls.slice(0, TOOLS_LISTED_MAX);
  const items = shown.map((call) => ({ blocks: [{ type: 'paragraph', text: toolLine(call) }] }));
  const more = calls.length - shown.length;
  const list: InputRichBlock = { type: 'list', items } as InputRichBlock;
  return more > 0 ? [list, italic(`… and ${more} more`)] : [list];
}

function toolLine(call: ToolCall): string {
  const mark = call.status === 'error' ? ' ✗' : call.status === 'completed' ? '' : '…';
  const input = call.input;
  const detail =
    call.title ??
    ['command', 'filePath', 'path', 'pattern', 'url', 'description']
      .map((key) => input[key])
      .find((value): value is string => typeof value === 'string' && value.trim() !== '');
  const line = detail ? `${call.tool}: ${detail.replace(/\s+/g, ' ')}` : call.tool;
  return `${line.length > 200 ? `${line.slice(0, 199)}…` : line}${mark}`;
}

function paragraphs(text: string): InputRichBlock[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p): InputRichBlock => ({ type: 'paragraph', text: p }));
}

function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}
