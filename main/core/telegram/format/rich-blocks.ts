// Markdown (as coding agents write it) → explicit rich message blocks (Bot API 10.1), walking the
// same marked token tree as markdown-to-html.ts. Blocks rather than Telegram's rich html or
// markdown dialects: JSON needs no escaping, nothing the agent writes can be taken for markup,
// and size and nesting can be counted exactly before sending. Raw HTML stays literal text,
// except <details><summary>…</summary>…</details>, which becomes a collapsible block.
import type { Token, Tokens } from 'marked';
import type { InputRichBlock, RichText } from 'grammy/types';
import { decodeEntities } from './escape';
import { lex, sanitizeLanguage } from './markdown-to-html';
import { plainInline } from './plain-inline';
import { RICH_MESSAGE_LIMITS } from './rich-measure';
import { hasScheme, safeUrl } from './safe-url';
import { tableText } from './table';

/** Telegram counts nesting levels its own way; stay this far below its 16. */
export const RICH_DEPTH_BUDGET = 12;

type ListItem = Extract<InputRichBlock, { type: 'list' }>['items'][number];
type Cell = Extract<InputRichBlock, { type: 'table' }>['cells'][number][number];

export function markdownToRichBlocks(markdown: string): InputRichBlock[] {
  let tokens: Token[];
  try {
    tokens = lex(markdown);
  } catch {
    return paragraph(markdown.trim());
  }
  return blocks(tokens, 1);
}

/** A collapsible block (the tool activity of a turn, say); open shows it expanded. */
export function richDetails(
  summary: RichText,
  content: InputRichBlock[],
  options: { open?: boolean } = {},
): InputRichBlock {
  return { type: 'details', summary, blocks: content, ...(options.open ? { is_open: true } : {}) };
}

/** A "Thinking…" block with the reasoning so far; drafts only (sendRichMessageDraft). */
export function richThinking(text: string): InputRichBlock {
  return { type: 'thinking', text };
}

const DETAILS_OPEN = /^\s*<details(\s[^>]*)?>/i;
const DETAILS_CLOSE = /<\/details\s*>\s*$/i;

/** Blocks at nesting level `level` (1 = top). */
function blocks(tokens: readonly Token[], level: number): InputRichBlock[] {
  const out: InputRichBlock[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'html' && DETAILS_OPEN.test(token.raw)) {
      const end = closingDetails(tokens, i);
      const closing = end > i && end < tokens.length ? tokens[end]!.raw : '';
      out.push(...details(token.raw, tokens.slice(i + 1, end), closing, level));
      i = end;
      continue;
    }
    out.push(...block(token, level));
  }
  return out;
}

/** Index of the html token closing the <details> opened at `start`: itself when it holds both. */
function closingDetails(tokens: readonly Token[], start: number): number {
  if (DETAILS_CLOSE.test(tokens[start]!.raw)) return start;
  let open = 0;
  for (let i = start + 1; i < tokens.length; i++) {
    const raw = tokens[i]!.type === 'html' ? tokens[i]!.raw : '';
    if (DETAILS_OPEN.test(raw) && !DETAILS_CLOSE.test(raw)) open++;
    else if (DETAILS_CLOSE.test(raw) && open-- === 0) return i;
  }
  return tokens.length;
}

/**
 * A details block from its opening html (with the summary), the tokens inside, and the html
 * that closes it. Text in the two html parts is HTML, so its entities are decoded.
 */
function details(
  opening: string,
  inner: readonly Token[],
  closing: string,
  level: number,
): InputRichBlock[] {
  const open = /\sopen\b/i.test(DETAILS_OPEN.exec(opening)?.[0] ?? '');
  const raw = opening.replace(DETAILS_OPEN, '').replace(DETAILS_CLOSE, '');
  const summaryMatch = /<summary>([\s\S]*?)<\/summary>/i.exec(raw);
  const summary = decodeEntities(summaryMatch?.[1] ?? '').trim() || 'Details';
  const html = (text: string): string => decodeEntities(text).trim();
  const at = level + 1 > RICH_DEPTH_BUDGET ? level : level + 1;
  const content = [
    ...paragraph(html(summaryMatch ? raw.replace(summaryMatch[0], '') : raw)),
    ...blocks(inner, at),
    ...paragraph(html(closing.replace(DETAILS_CLOSE, ''))),
  ];
  if (at === level) return [...paragraph(summary), ...content];
  return [{ type: 'details', summary, blocks: content, ...(open ? { is_open: true } : {}) }];
}

function paragraph(text: RichText): InputRichBlock[] {
  const trimmed = trim(text);
  return visible(trimmed) ? [{ type: 'paragraph', text: trimmed }] : [];
}

function block(token: Token, level: number): InputRichBlock[] {
  switch (token.type) {
    case 'space':
    case 'def':
    case 'checkbox':
      return [];
    case 'paragraph':
      return paragraph(inline((token as Tokens.Paragraph).tokens, level + 1, false));
    case 'text': {
      const t = token as Tokens.Text;
      return paragraph(t.tokens ? inline(t.tokens, level + 1, false) : decodeEntities(t.text));
    }
    case 'heading': {
      const t = token as Tokens.Heading;
      const text = trim(inline(t.tokens, level + 1, false));
      const size = Math.min(6, Math.max(1, t.depth)) as 1 | 2 | 3 | 4 | 5 | 6;
      return visible(text) ? [{ type: 'heading', size, text }] : [];
    }
    case 'code': {
      const t = token as Tokens.Code;
      if (t.text === '') return [];
      const language = sanitizeLanguage(t.lang);
      return [{ type: 'pre', text: t.text, ...(language ? { language } : {}) }];
    }
    case 'blockquote': {
      const inner = (token as Tokens.Blockquote).tokens;
      if (level + 1 > RICH_DEPTH_BUDGET) return blocks(inner, level);
      const content = blocks(inner, level + 1);
      return content.length > 0 ? [{ type: 'blockquote', blocks: content }] : [];
    }
    case 'hr':
      return [{ type: 'divider' }];
    case 'list':
      return list(token as Tokens.List, level);
    case 'table':
      return table(token as Tokens.Table, level);
    case 'html':
      // Raw HTML is shown as the agent wrote it, never interpreted.
      return paragraph(token.raw.trim());
    default:
      return 'tokens' in token && Array.isArray(token.tokens)
        ? blocks(token.tokens, level)
        : paragraph(token.raw.trim());
  }
}

function list(t: Tokens.List, level: number): InputRichBlock[] {
  const start = typeof t.start === 'number' ? t.start : 1;
  const itemBlocks = (item: Tokens.ListItem, at: number): InputRichBlock[] =>
    blocks(
      item.tokens.filter((c) => c.type !== 'checkbox'),
      at,
    );
  // A list needs two levels more (item, content); deeper, items become plain paragraphs.
  if (level + 2 > RICH_DEPTH_BUDGET) {
    return t.items.flatMap((item, i) => {
      const marker = t.ordered ? `${start + i}. ` : '• ';
      return [...paragraph(marker), ...itemBlocks(item, level)];
    });
  }
  const items: ListItem[] = [];
  t.items.forEach((item, i) => {
    const content = itemBlocks(item, level + 2);
    if (content.length === 0 && !item.task) return;
    items.push({
      blocks:
        content.length > 0 ? content : [{ type: 'paragraph', text: item.checked ? '☑' : '☐' }],
      ...(item.task ? { has_checkbox: true, ...(item.checked ? { is_checked: true } : {}) } : {}),
      ...(t.ordered ? { value: start + i, type: '1' } : {}),
    });
  });
  return items.length > 0 ? [{ type: 'list', items }] : [];
}

function table(t: Tokens.Table, level: number): InputRichBlock[] {
  const columns = t.header.length;
  if (columns > RICH_MESSAGE_LIMITS.columns) return [{ type: 'pre', text: tableText(t) }];
  const cell = (c: Tokens.TableCell | undefined, i: number, header: boolean): Cell => ({
    text: c ? trim(inline(c.tokens, level + 1, false)) : '',
    ...(header ? { is_header: true } : {}),
    align: t.align[i] ?? 'left',
    valign: 'top',
  });
  const rows = [
    t.header.map((c, i) => cell(c, i, true)),
    ...t.rows.map((row) => t.header.map((_, i) => cell(row[i], i, false))),
  ];
  return [{ type: 'table', cells: rows, is_bordered: true }];
}

/** Inline tokens → RichText; formatting at `level`, flattened once the budget is spent. */
function inline(tokens: readonly Token[], level: number, inLink: boolean): RichText {
  return normalize(tokens.map((t) => inlineToken(t, level, inLink)));
}

function wrap(
  type: 'bold' | 'italic' | 'strikethrough' | 'code',
  inner: RichText,
  level: number,
): RichText {
  if (!visible(inner) && type !== 'code') return inner;
  return level > RICH_DEPTH_BUDGET ? inner : { type, text: inner };
}

function inlineToken(token: Token, level: number, inLink: boolean): RichText {
  const children = (): Token[] =>
    'tokens' in token && Array.isArray(token.tokens) ? token.tokens : [];
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? inline(t.tokens, level, inLink) : decodeEntities(t.text);
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    case 'strong':
      return wrap('bold', inline(children(), level + 1, inLink), level);
    case 'em':
      return wrap('italic', inline(children(), level + 1, inLink), level);
    case 'del':
      return wrap('strikethrough', inline(children(), level + 1, inLink), level);
    case 'codespan': {
      const text = (token as Tokens.Codespan).text;
      return inLink || text === '' ? text : wrap('code', text, level);
    }
    case 'br':
      return '\n';
    case 'link':
      return link(token as Tokens.Link, level, inLink);
    case 'image': {
      const image = token as Tokens.Image;
      const alt = plainInline(image.tokens).trim();
      const url = safeUrl(image.href);
      if (url === undefined || inLink || level > RICH_DEPTH_BUDGET) return alt;
      return { type: 'url', text: alt === '' ? 'image' : alt, url };
    }
    case 'checkbox':
      return '';
    case 'html':
      return token.raw;
    default:
      return children().length > 0 ? inline(children(), level, inLink) : token.raw;
  }
}

/** Same rules as the HTML path: safe URLs link, others show the text (and a scheme URL). */
function link(t: Tokens.Link, level: number, inLink: boolean): RichText {
  const url = safeUrl(t.href);
  if (url !== undefined && !inLink && level <= RICH_DEPTH_BUDGET) {
    const inner = inline(t.tokens, level + 1, true);
    return { type: 'url', text: visible(inner) ? inner : url, url };
  }
  const inner = inline(t.tokens, level, inLink);
  const href = t.href.trim();
  const showUrl =
    url === undefined &&
    hasScheme(href) &&
    !/^(javascript|data|vbscript):/i.test(href) &&
    plainInline(t.tokens).trim() !== href;
  if (!visible(inner)) return showUrl ? href : '';
  return showUrl ? normalize([inner, ` (${href})`]) : inner;
}

/** Flattens nested arrays, merges neighbouring strings, drops empty strings. */
function normalize(parts: readonly RichText[]): RichText {
  const out: RichText[] = [];
  const push = (part: RichText): void => {
    if (Array.isArray(part)) return part.forEach(push);
    if (part === '') return;
    const last = out.at(-1);
    if (typeof part === 'string' && typeof last === 'string') out[out.length - 1] = last + part;
    else out.push(part);
  };
  parts.forEach(push);
  if (out.length === 0) return '';
  return out.length === 1 ? out[0]! : out;
}

function plain(text: RichText): string {
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return text.map(plain).join('');
  return 'text' in text ? plain(text.text) : '';
}

function visible(text: RichText): boolean {
  return plain(text).trim() !== '';
}

/** Trims whitespace at both ends of the text (inside its first and last leaves). */
function trim(text: RichText): RichText {
  const edge = (t: RichText, side: 'start' | 'end'): RichText => {
    if (typeof t === 'string') return side === 'start' ? t.trimStart() : t.trimEnd();
    if (Array.isArray(t)) {
      if (t.length === 0) return t;
      const copy = [...t];
      const i = side === 'start' ? 0 : copy.length - 1;
      copy[i] = edge(copy[i]!, side);
      return normalize(copy);
    }
    return 'text' in t && t.type !== 'code' ? { ...t, text: edge(t.text, side) } : t;
  };
  return edge(edge(text, 'start'), 'end');
}
