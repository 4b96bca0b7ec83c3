// Splits rich blocks into messages that each fit Telegram's limits (32,768 characters, 500
// blocks). Only an answer beyond a limit is cut, and only between blocks: top-level blocks are
// packed greedily; one block too big on its own is cut inside (code by lines, lists by items,
// tables by rows with the header repeated, quotes and details by their blocks, text at spaces).
import type { InputRichBlock, RichText } from 'grammy/types';
import {
  fits,
  measureBlock,
  measureBlocks,
  RICH_MESSAGE_LIMITS,
  textLength,
  type RichLimits,
} from './rich-measure';

const DEFAULT_LIMITS: RichLimits = RICH_MESSAGE_LIMITS;

export function splitRichBlocks(
  blocks: readonly InputRichBlock[],
  limits: RichLimits = DEFAULT_LIMITS,
): InputRichBlock[][] {
  if (fits(measureBlocks(blocks), limits)) return blocks.length > 0 ? [[...blocks]] : [];
  return pack(
    blocks.flatMap((b) => fitBlock(b, limits)),
    measureBlock,
    limits,
    0,
  );
}

/** Greedy packing of pieces that each fit alone; `overhead` blocks per group (its container). */
function pack<T>(
  pieces: readonly T[],
  measure: (piece: T) => { characters: number; blocks: number },
  limits: RichLimits,
  overhead: number,
): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let size = { characters: 0, blocks: overhead };
  for (const piece of pieces) {
    const m = measure(piece);
    const next = { characters: size.characters + m.characters, blocks: size.blocks + m.blocks };
    if (group.length > 0 && !fits(next, limits)) {
      groups.push(group);
      group = [];
      size = { characters: m.characters, blocks: overhead + m.blocks };
    } else {
      size = next;
    }
    group.push(piece);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Room left for content inside a container with `blocks` blocks and `characters` of its own. */
const inner = (limits: RichLimits, blocks: number, characters = 0): RichLimits => ({
  characters: Math.max(1, limits.characters - characters),
  blocks: Math.max(1, limits.blocks - blocks),
});

/** The block itself when it fits, else pieces that each do. */
function fitBlock(block: InputRichBlock, limits: RichLimits): InputRichBlock[] {
  if (fits(measureBlock(block), limits)) return [block];
  switch (block.type) {
    case 'pre':
      return splitText(block.text, limits.characters, true).map((text) => ({ ...block, text }));
    case 'paragraph':
    case 'heading':
    case 'footer':
    case 'thinking':
    case 'pullquote':
    case 'expandable_blockquote':
      return splitText(block.text, limits.characters, false).map((text) => ({ ...block, text }));
    case 'list': {
      type Item = (typeof block.items)[number];
      const room = inner(limits, 1);
      const items = block.items.flatMap((item): Item[] => {
        const size = measureBlocks(item.blocks);
        if (fits({ ...size, blocks: size.blocks + 1 }, room)) return [item];
        const parts = pack(
          item.blocks.flatMap((b) => fitBlock(b, inner(room, 1))),
          measureBlock,
          room,
          1,
        );
        return parts.map((blocks, i) => (i === 0 ? { ...item, blocks } : { blocks }));
      });
      const measureItem = (item: Item) => {
        const m = measureBlocks(item.blocks);
        return { characters: m.characters, blocks: m.blocks + 1 };
      };
      return pack(items, measureItem, limits, 1).map((group) => ({ ...block, items: group }));
    }
    case 'table': {
      const [head, ...rows] = block.cells;
      const header = head?.some((c) => c.is_header) ? head : undefined;
      const body = header ? rows : block.cells;
      const rowSize = (row: (typeof block.cells)[number]) => ({
        characters: row.reduce((n, c) => n + textLength(c.text), 0),
        blocks: 1,
      });
      const headerSize = header ? rowSize(header) : { characters: 0, blocks: 0 };
      const room = inner(
        limits,
        1 + headerSize.blocks,
        headerSize.characters + textLength(block.caption),
      );
      return pack(body, rowSize, room, 0).map((group) => ({
        ...block,
        cells: header ? [header, ...group] : group,
      }));
    }
    case 'blockquote':
    case 'details': {
      const own = block.type === 'details' ? textLength(block.summary) : textLength(block.credit);
      const room = inner(limits, 1, own);
      const pieces = block.blocks.flatMap((b) => fitBlock(b, room));
      return pack(pieces, measureBlock, room, 0).map((group) => ({ ...block, blocks: group }));
    }
    default:
      return [block];
  }
}

/**
 * Cuts rich text into pieces of at most `max` characters: between its parts where it can,
 * else inside a string at a line break (code) or a space, never inside a surrogate pair.
 */
export function splitText(text: RichText, max: number, preferLines: boolean): RichText[] {
  if (textLength(text) <= max) return [text];
  if (typeof text === 'string') return splitString(text, max, preferLines);
  if (Array.isArray(text)) {
    const pieces = text.flatMap((t) => splitText(t, max, preferLines));
    return pack(
      pieces,
      (t) => ({ characters: textLength(t), blocks: 0 }),
      { characters: max, blocks: 1 },
      0,
    ).map((group) => (group.length === 1 ? group[0]! : group));
  }
  if ('text' in text) {
    return splitText(text.text, max, preferLines).map((t) => ({ ...text, text: t }));
  }
  return [text];
}

function splitString(text: string, max: number, preferLines: boolean): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const lineBreak = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    let cut =
      preferLines && lineBreak > max / 2 ? lineBreak + 1 : space > max / 2 ? space + 1 : max;
    if (cut > max) cut = max;
    const code = rest.charCodeAt(cut - 1);
    // Never between the halves of a surrogate pair (a pair is kept whole even at max 1).
    if (code >= 0xd800 && code <= 0xdbff) cut = cut > 1 ? cut - 1 : 2;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') out.push(rest);
  return out;
}
