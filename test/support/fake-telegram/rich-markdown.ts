// Rich Markdown style → input blocks: an approximation with marked's GFM lexer (Telegram's dialect
// is its own: ==mark==, ||spoiler||, $math$, footnotes are not modelled). Raw HTML inside the
// Markdown must use the supported rich tags: any other tag is the same 400 as in `html`, which is
// exactly why an agent's Markdown must never be passed through unchecked. Supported inline tags
// are dropped (their text kept); a block of raw HTML is parsed as rich HTML.
import { Lexer, type Token, type Tokens } from 'marked';
import { richParseError } from './rich-content';
import { richHtmlToBlocks } from './rich-html';

type Json = Record<string, unknown>;

export function richMarkdownToBlocks(markdown: string): Json[] {
  return blocks(new Lexer({ gfm: true }).lex(markdown));
}

function blocks(tokens: readonly Token[]): Json[] {
  return tokens.flatMap(block);
}

function block(token: Token): Json[] {
  switch (token.type) {
    case 'space':
    case 'def':
      return [];
    case 'paragraph':
    case 'text': {
      const t = token as Tokens.Paragraph;
      return [{ type: 'paragraph', text: t.tokens ? inline(t.tokens) : t.text }];
    }
    case 'heading': {
      const t = token as Tokens.Heading;
      return [{ type: 'heading', size: t.depth, text: inline(t.tokens) }];
    }
    case 'code': {
      const t = token as Tokens.Code;
      return [{ type: 'pre', text: t.text, ...(t.lang ? { language: t.lang } : {}) }];
    }
    case 'blockquote':
      return [{ type: 'blockquote', blocks: blocks((token as Tokens.Blockquote).tokens) }];
    case 'hr':
      return [{ type: 'divider' }];
    case 'list': {
      const t = token as Tokens.List;
      const start = typeof t.start === 'number' ? t.start : 1;
      return [
        {
          type: 'list',
          items: t.items.map((item, i) => ({
            blocks: blocks(item.tokens.filter((c) => c.type !== 'checkbox')),
            ...(item.task
              ? { has_checkbox: true, ...(item.checked ? { is_checked: true } : {}) }
              : {}),
            ...(t.ordered ? { value: start + i, type: '1' } : {}),
          })),
        },
      ];
    }
    case 'table': {
      const t = token as Tokens.Table;
      const cell = (c: Tokens.TableCell, header: boolean, i: number): Json => ({
        text: inline(c.tokens),
        ...(header ? { is_header: true } : {}),
        align: t.align[i] ?? 'left',
        valign: 'top',
      });
      return [
        {
          type: 'table',
          cells: [
            t.header.map((c, i) => cell(c, true, i)),
            ...t.rows.map((r) => r.map((c, i) => cell(c, false, i))),
          ],
        },
      ];
    }
    case 'html':
      return richHtmlToBlocks(token.raw);
    default:
      throw richParseError(`unsupported Markdown "${token.raw.slice(0, 20)}"`);
  }
}

const FORMAT: Record<string, string> = { strong: 'bold', em: 'italic', del: 'strikethrough' };

function inline(tokens: readonly Token[]): unknown {
  const parts = tokens.map((t): unknown => {
    const children = 'tokens' in t && Array.isArray(t.tokens) ? t.tokens : undefined;
    const format = FORMAT[t.type];
    if (format && children) return { type: format, text: inline(children) };
    switch (t.type) {
      case 'codespan':
        return { type: 'code', text: (t as Tokens.Codespan).text };
      case 'br':
        return '\n';
      case 'link':
        return {
          type: 'url',
          text: inline((t as Tokens.Link).tokens),
          url: (t as Tokens.Link).href,
        };
      case 'html':
        // Validates the tag name the way `html` does; the markup itself is dropped.
        richHtmlToBlocks(t.raw.startsWith('</') ? '' : `${t.raw.replace(/\/?>$/, '/>')}`);
        return '';
      case 'escape':
      case 'text':
        return children ? inline(children) : (t as Tokens.Text).text;
      default:
        return children ? inline(children) : t.raw;
    }
  });
  const kept = parts.filter((p) => p !== '');
  return kept.every((p) => typeof p === 'string') ? kept.join('') : kept;
}
