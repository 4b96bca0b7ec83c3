// How big a rich message is, measured against Telegram's documented limits (rich.d.ts: 32,768
// UTF-8 characters of text, 500 blocks including nested blocks, list items and table rows, 16
// levels of nesting, 20 table columns). Characters are counted in UTF-16 units, which is never
// less than the code points Telegram presumably counts, so whatever fits here fits there.
import type { InputRichBlock, RichText } from 'grammy/types';

export const RICH_MESSAGE_LIMITS = { characters: 32_768, blocks: 500, depth: 16, columns: 20 };

export interface RichLimits {
  characters: number;
  blocks: number;
}

export interface RichMeasure {
  characters: number;
  blocks: number;
  /** Levels: every block, list item and formatting entity is one. */
  depth: number;
}

export function textLength(text: RichText | undefined): number {
  if (text === undefined) return 0;
  if (typeof text === 'string') return text.length;
  if (Array.isArray(text)) return text.reduce((n: number, t) => n + textLength(t), 0);
  switch (text.type) {
    case 'custom_emoji':
      return text.alternative_text.length;
    case 'mathematical_expression':
      return text.expression.length;
    case 'anchor':
      return 0;
    case 'button':
      return textLength(text.button.text);
    default:
      return textLength(text.text);
  }
}

export function textDepth(text: RichText | undefined): number {
  if (text === undefined || typeof text === 'string') return 0;
  if (Array.isArray(text)) return Math.max(0, ...text.map(textDepth));
  return 'text' in text ? 1 + textDepth(text.text) : 1;
}

const ZERO: RichMeasure = { characters: 0, blocks: 0, depth: 0 };

function add(a: RichMeasure, b: RichMeasure): RichMeasure {
  return {
    characters: a.characters + b.characters,
    blocks: a.blocks + b.blocks,
    depth: Math.max(a.depth, b.depth),
  };
}

export function measureBlocks(blocks: readonly InputRichBlock[]): RichMeasure {
  return blocks.map(measureBlock).reduce(add, ZERO);
}

/** One block and everything inside it. */
export function measureBlock(block: InputRichBlock): RichMeasure {
  const own = (texts: Array<RichText | undefined>, inner: RichMeasure = ZERO): RichMeasure => ({
    characters: texts.reduce((n: number, t) => n + textLength(t), 0) + inner.characters,
    blocks: 1 + inner.blocks,
    depth: 1 + Math.max(inner.depth, ...texts.map(textDepth)),
  });
  switch (block.type) {
    case 'paragraph':
    case 'heading':
    case 'pre':
    case 'footer':
    case 'thinking':
      return own([block.text]);
    case 'expandable_blockquote':
    case 'pullquote':
      return own([block.text, block.credit]);
    case 'mathematical_expression':
      return { characters: block.expression.length, blocks: 1, depth: 1 };
    case 'list': {
      const items = block.items.map((item) => {
        const inner = measureBlocks(item.blocks);
        return { ...inner, blocks: inner.blocks + 1, depth: inner.depth + 1 };
      });
      return own([], items.reduce(add, ZERO));
    }
    case 'blockquote':
      return own([block.credit], measureBlocks(block.blocks));
    case 'details':
      return own([block.summary], measureBlocks(block.blocks));
    case 'table':
      return own([block.caption, ...block.cells.flat().map((c) => c.text)], {
        characters: 0,
        blocks: block.cells.length,
        depth: 0,
      });
    case 'buttons':
      return own(block.buttons.map((b) => b.text));
    default:
      return own([]);
  }
}

export function fits(measure: RichLimits, limits: RichLimits): boolean {
  return measure.characters <= limits.characters && measure.blocks <= limits.blocks;
}
