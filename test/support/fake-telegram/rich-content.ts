// Rich message content (Bot API 10.1–10.3, rich.d.ts): validates explicit `blocks` against the
// documented limits and turns them into what Message.rich_message carries, plus a plain text
// rendering for assertions. `html` and `markdown` input are parsed into blocks first
// (rich-html.ts, rich-markdown.ts), so every input form meets the same checks.
//
// How the fake counts (Telegram documents the limits, not the counting; these are our reading):
// - characters: Unicode code points of all text leaves after parsing (paragraphs, headings,
//   code, cells, summaries, captions, credits, button texts, custom emoji alternative text and
//   formula source); markup, separators and list labels do not count. Limit 32,768.
// - blocks: every block at any depth, plus every list item and every table row. Limit 500.
// - nesting: every block, list item and formatting entity is one level. Limit 16.
// - table columns: the widest row, colspans included. Limit 20.
// Media blocks (photo, video, map, collage...) are not modelled: the bridge sends none.
import type { RichBlock, RichText } from 'grammy/types';
import { ApiError, badRequest } from './errors';
import { listLabel, richPlainText } from './rich-plain';

export { richPlainText, richTextPlain } from './rich-plain';

export const RICH_LIMITS = { characters: 32_768, blocks: 500, depth: 16, columns: 20 } as const;

/** The 400s, with the descriptions the fake answers (Telegram's own texts are not published). */
export const RICH_ERRORS = {
  notOne: 'Bad Request: rich message must have exactly one of html, markdown or blocks',
  empty: 'Bad Request: rich message is empty',
  tooLong: 'Bad Request: rich message is too long',
  tooManyBlocks: 'Bad Request: rich message has too many blocks',
  tooDeep: 'Bad Request: rich message is nested too deeply',
  tooManyColumns: 'Bad Request: rich message table has too many columns',
  thinkingOutsideDraft:
    "Bad Request: can't parse rich message: thinking blocks are allowed only in drafts",
} as const;

/** The 400 with one of the RICH_ERRORS descriptions. */
export const fail = (key: keyof typeof RICH_ERRORS): ApiError =>
  new ApiError(400, RICH_ERRORS[key]);

export const richParseError = (what: string): ApiError =>
  badRequest(`can't parse rich message: ${what}`);

const FORMATTING = new Set([
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'subscript',
  'superscript',
  'marked',
  'code',
]);
/** Rich text types carrying `text` plus one required string field. */
const TEXT_WITH: Record<string, string> = {
  url: 'url',
  email_address: 'email_address',
  phone_number: 'phone_number',
  bank_card_number: 'bank_card_number',
  mention: 'username',
  hashtag: 'hashtag',
  cashtag: 'cashtag',
  bot_command: 'bot_command',
  anchor_link: 'anchor_name',
  reference: 'name',
  reference_link: 'reference_name',
};
const MEDIA_BLOCKS = new Set([
  'collage',
  'slideshow',
  'map',
  'animation',
  'audio',
  'document',
  'photo',
  'video',
  'voice_note',
]);
const SAFE_SCHEMES = /^(https?:\/\/[^\s/]|tg:\/\/|mailto:|tel:)/i;

export interface RichContent {
  /** As Message.rich_message.blocks: list items carry their label. */
  blocks: RichBlock[];
  /** See richPlainText. */
  plainText: string;
  characters: number;
  blockCount: number;
}

interface Walk {
  characters: number;
  blocks: number;
  allowThinking: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates input blocks (InputRichBlock[]); throws the 400 Telegram-style ApiError. */
export function validateRichBlocks(input: unknown, options: { draft: boolean }): RichContent {
  if (!Array.isArray(input)) throw richParseError('blocks must be an array');
  const walk: Walk = { characters: 0, blocks: 0, allowThinking: options.draft };
  const blocks = input.map((b) => block(b, walk, 1));
  if (blocks.length === 0) throw fail('empty');
  if (walk.characters > RICH_LIMITS.characters) throw fail('tooLong');
  if (walk.blocks > RICH_LIMITS.blocks) {
    throw fail('tooManyBlocks');
  }
  return {
    blocks,
    plainText: richPlainText(blocks),
    characters: walk.characters,
    blockCount: walk.blocks,
  };
}

function checkDepth(depth: number): void {
  if (depth > RICH_LIMITS.depth) throw fail('tooDeep');
}

function block(value: unknown, walk: Walk, depth: number): RichBlock {
  checkDepth(depth);
  if (!isObject(value) || typeof value['type'] !== 'string') {
    throw richParseError('a block must be an object with a type');
  }
  walk.blocks++;
  const type = value['type'];
  const text = (field = 'text'): RichText => richText(value[field], walk, depth + 1, true);
  const optText = (field: string): RichText | undefined =>
    value[field] === undefined ? undefined : richText(value[field], walk, depth + 1, false);
  const blocks = (): RichBlock[] => {
    const inner = value['blocks'];
    if (!Array.isArray(inner)) throw richParseError(`block "${type}" needs blocks`);
    return inner.map((b) => block(b, walk, depth + 1));
  };
  const credit = (): Json => {
    const c = optText('credit');
    return c === undefined ? {} : { credit: c };
  };
  switch (type) {
    case 'paragraph':
    case 'footer':
      return { type, text: text() };
    case 'heading': {
      const size = value['size'];
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 6) {
        throw richParseError('heading size must be 1-6');
      }
      return { type, text: text(), size } as RichBlock;
    }
    case 'pre': {
      const language = value['language'];
      if (language !== undefined && typeof language !== 'string') {
        throw richParseError('pre language must be a string');
      }
      return { type, text: text(), ...(language ? { language } : {}) };
    }
    case 'divider':
      return { type };
    case 'mathematical_expression':
      return { type, expression: countedString(value['expression'], walk, 'expression') };
    case 'anchor':
      return { type, name: requiredString(value['name'], 'anchor name') };
    case 'list':
      return list(value, walk, depth);
    case 'blockquote':
      return { type, blocks: blocks(), ...credit() };
    case 'expandable_blockquote':
    case 'pullquote':
      return { type, text: text(), ...credit() };
    case 'table':
      return table(value, walk, depth);
    case 'details': {
      const summary = richText(value['summary'], walk, depth + 1, true);
      return {
        type,
        summary,
        blocks: blocks(),
        ...(value['is_open'] === true ? { is_open: true } : {}),
      };
    }
    case 'buttons':
      return buttons(value, walk, depth);
    case 'thinking':
      if (!walk.allowThinking) throw fail('thinkingOutsideDraft');
      return { type, text: richText(value['text'], walk, depth + 1, false) };
    default:
      if (MEDIA_BLOCKS.has(type)) {
        throw badRequest(`media blocks ("${type}") are not supported by the fake Bot API server`);
      }
      throw richParseError(`unsupported block type "${type}"`);
  }
}

function list(value: Json, walk: Walk, depth: number): RichBlock {
  const items = value['items'];
  if (!Array.isArray(items) || items.length === 0) throw richParseError('a list needs items');
  let counter = 0;
  return {
    type: 'list',
    items: items.map((item: unknown) => {
      checkDepth(depth + 1);
      if (!isObject(item) || !Array.isArray(item['blocks'])) {
        throw richParseError('a list item needs blocks');
      }
      walk.blocks++;
      const kind = item['type'];
      if (kind !== undefined && !['a', 'A', 'i', 'I', '1'].includes(kind as string)) {
        throw richParseError('invalid list item type');
      }
      const number = item['value'];
      if (number !== undefined && (typeof number !== 'number' || !Number.isInteger(number))) {
        throw richParseError('invalid list item value');
      }
      const ordered = kind !== undefined || number !== undefined;
      counter = typeof number === 'number' ? number : counter + 1;
      return {
        label: ordered ? `${listLabel(counter, (kind as string | undefined) ?? '1')}.` : '•',
        blocks: (item['blocks'] as unknown[]).map((b) => block(b, walk, depth + 2)),
        ...(item['has_checkbox'] === true ? { has_checkbox: true } : {}),
        ...(item['is_checked'] === true ? { is_checked: true } : {}),
        ...(typeof number === 'number' ? { value: number } : {}),
        ...(kind !== undefined ? { type: kind as '1' } : {}),
      };
    }),
  };
}

function table(value: Json, walk: Walk, depth: number): RichBlock {
  const cells = value['cells'];
  if (!Array.isArray(cells) || cells.length === 0) throw richParseError('a table needs cells');
  const rows = cells.map((row: unknown) => {
    if (!Array.isArray(row)) throw richParseError('table rows must be arrays of cells');
    walk.blocks++;
    let columns = 0;
    const out = row.map((cell: unknown) => {
      if (!isObject(cell)) throw richParseError('a table cell must be an object');
      const span = (field: string): number => {
        const n = cell[field] ?? 1;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
          throw richParseError(`invalid table cell ${field}`);
        }
        return n;
      };
      columns += span('colspan');
      span('rowspan');
      if (!['left', 'center', 'right'].includes(cell['align'] as string)) {
        throw richParseError('table cell align must be left, center or right');
      }
      if (!['top', 'middle', 'bottom'].includes(cell['valign'] as string)) {
        throw richParseError('table cell valign must be top, middle or bottom');
      }
      const text =
        cell['text'] === undefined ? {} : { text: richText(cell['text'], walk, depth + 1, false) };
      return { ...cell, ...text };
    });
    if (columns > RICH_LIMITS.columns) {
      throw fail('tooManyColumns');
    }
    return out;
  });
  const caption =
    value['caption'] === undefined
      ? {}
      : { caption: richText(value['caption'], walk, depth + 1, false) };
  const flags = Object.fromEntries(
    ['is_bordered', 'is_striped', 'is_compact']
      .filter((f) => value[f] === true)
      .map((f) => [f, true]),
  );
  return { type: 'table', cells: rows, ...flags, ...caption } as RichBlock;
}

function buttons(value: Json, walk: Walk, depth: number): RichBlock {
  const list = value['buttons'];
  if (!Array.isArray(list) || list.length < 1 || list.length > 8) {
    throw richParseError('a button row needs 1-8 buttons');
  }
  return {
    type: 'buttons',
    buttons: list.map((b: unknown) => {
      if (!isObject(b)) throw richParseError('a button must be an object');
      return { ...b, text: richText(b['text'], walk, depth + 1, true) } as never;
    }),
    ...(typeof value['align'] === 'string' ? { align: value['align'] as 'left' } : {}),
  };
}

function requiredString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '')
    throw richParseError(`${what} must be a non-empty string`);
  return value;
}

function countedString(value: unknown, walk: Walk, what: string): string {
  const s = requiredString(value, what);
  walk.characters += Array.from(s).length;
  return s;
}

/** Validates RichText; `required` refuses an empty text. */
function richText(value: unknown, walk: Walk, depth: number, required: boolean): RichText {
  const before = walk.characters;
  const out = textNode(value, walk, depth);
  if (required && walk.characters === before && !hasAtom(out))
    throw richParseError('text must be non-empty');
  return out;
}

const hasAtom = (t: RichText): boolean =>
  typeof t === 'string' ? false : Array.isArray(t) ? t.some(hasAtom) : true;

function textNode(value: unknown, walk: Walk, depth: number): RichText {
  if (typeof value === 'string') {
    walk.characters += Array.from(value).length;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => textNode(v, walk, depth));
  checkDepth(depth);
  if (!isObject(value) || typeof value['type'] !== 'string') {
    throw richParseError('rich text must be a string, an array or an object with a type');
  }
  const type = value['type'];
  const inner = (): RichText => textNode(value['text'], walk, depth + 1);
  if (FORMATTING.has(type)) return { type, text: inner() } as RichText;
  const field = TEXT_WITH[type];
  if (field !== undefined) {
    const target = requiredString(value[field], `${type} ${field}`);
    if (type === 'url' && !SAFE_SCHEMES.test(target))
      throw richParseError(`unsupported URL "${target}"`);
    return { type, text: inner(), [field]: target } as RichText;
  }
  switch (type) {
    case 'custom_emoji':
      requiredString(value['custom_emoji_id'], 'custom_emoji_id');
      countedString(value['alternative_text'], walk, 'alternative_text');
      return { ...value } as unknown as RichText;
    case 'mathematical_expression':
      countedString(value['expression'], walk, 'expression');
      return { ...value } as unknown as RichText;
    case 'anchor':
      requiredString(value['name'], 'anchor name');
      return { type, name: value['name'] as string };
    case 'date_time':
    case 'text_mention':
    case 'button':
      return { ...value, ...('text' in value ? { text: inner() } : {}) } as RichText;
    default:
      throw richParseError(`unsupported rich text type "${type}"`);
  }
}
