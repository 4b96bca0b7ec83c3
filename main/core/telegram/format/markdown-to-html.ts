// Markdown (as coding agents write it) → the HTML subset Telegram's parse_mode=HTML accepts.
// We walk marked's token tree ourselves instead of using its renderer: Telegram knows only a few
// tags, forbids some nestings, and must never see raw HTML or unsafe links.
import { Lexer } from 'marked';
import type { Token, Tokens } from 'marked';
import { decodeEntities, escapeAttribute, escapeHtml } from './escape';
import { plainInline } from './plain-inline';
import { hasScheme, safeUrl } from './safe-url';
import { renderTable } from './table';

interface Context {
  /** Inside <a>: Telegram allows no nested links and no <code> there. */
  inLink: boolean;
  /** Inside <blockquote>: Telegram forbids nested blockquotes. */
  inQuote: boolean;
  /** Nesting level of the list being rendered; two spaces of indentation per level. */
  listDepth: number;
}

const TOP: Context = { inLink: false, inQuote: false, listDepth: 0 };

export const HORIZONTAL_RULE = '———';

export function markdownToTelegramHtml(markdown: string): string {
  let tokens: Token[];
  try {
    tokens = lex(markdown);
  } catch {
    // marked only throws on internal errors; plain escaped text is still a usable message.
    return escapeHtml(markdown.trim());
  }
  return renderBlocks(tokens, TOP, '\n\n').trim();
}

/** A fresh options object each time: marked's lexer mutates the one it is given. */
export function lex(markdown: string): Token[] {
  return new Lexer({ gfm: true, breaks: false, pedantic: false }).lex(markdown);
}

function renderBlocks(tokens: readonly Token[], ctx: Context, separator: string): string {
  return tokens
    .map((t) => renderBlock(t, ctx))
    .filter((s) => s !== '')
    .join(separator);
}

export function sanitizeLanguage(lang: string | undefined): string {
  // The info string may carry more than the language (```ts title="x"); keep its first word.
  const first = (lang ?? '').trim().split(/\s+/)[0] ?? '';
  return first.replace(/[^A-Za-z0-9_+#.-]/g, '');
}

export function renderCodeBlock(text: string, lang: string | undefined): string {
  if (text === '') return '';
  const language = sanitizeLanguage(lang);
  const body = escapeHtml(text);
  return language === ''
    ? `<pre>${body}</pre>`
    : `<pre><code class="language-${language}">${body}</code></pre>`;
}

function renderBlock(token: Token, ctx: Context): string {
  switch (token.type) {
    case 'space':
    case 'def':
    case 'checkbox': // shown as ☐/☑ by the list item
      return '';
    case 'paragraph':
      return renderInline((token as Tokens.Paragraph).tokens, ctx).trim();
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? renderInline(t.tokens, ctx) : escapeHtml(decodeEntities(t.text));
    }
    case 'heading': {
      const inner = renderInline((token as Tokens.Heading).tokens, ctx).trim();
      return inner === '' ? '' : `<b>${inner}</b>`;
    }
    case 'code': {
      const t = token as Tokens.Code;
      return renderCodeBlock(t.text, t.lang);
    }
    case 'blockquote': {
      const t = token as Tokens.Blockquote;
      const inner = renderBlocks(t.tokens, { ...ctx, inQuote: true }, '\n\n');
      if (inner === '' || ctx.inQuote) return inner;
      return `<blockquote>${inner}</blockquote>`;
    }
    case 'hr':
      return HORIZONTAL_RULE;
    case 'list':
      return renderList(token as Tokens.List, ctx);
    case 'table':
      return renderTable(token as Tokens.Table);
    case 'html':
      // Raw HTML is shown as the agent wrote it, never interpreted.
      return escapeHtml(token.raw.trim());
    default:
      return 'tokens' in token && Array.isArray(token.tokens)
        ? renderBlocks(token.tokens, ctx, '\n\n')
        : escapeHtml(token.raw.trim());
  }
}

function renderList(list: Tokens.List, ctx: Context): string {
  const indent = '  '.repeat(ctx.listDepth);
  const inner: Context = { ...ctx, listDepth: ctx.listDepth + 1 };
  const start = typeof list.start === 'number' ? list.start : 1;
  return list.items
    .map((item, i) => {
      const bullet = list.ordered ? `${start + i}. ` : '• ';
      const box = item.task ? (item.checked === true ? '☑ ' : '☐ ') : '';
      const marker = item.task && !list.ordered ? box : bullet + box;
      // Nested lists indent themselves; other blocks of a loose item get a blank line between.
      const parts = item.tokens
        .map((t) => ({ type: t.type, html: renderBlock(t, inner) }))
        .filter((p) => p.html !== '');
      let body = '';
      parts.forEach((p, j) => {
        if (j > 0) body += p.type === 'list' || !item.loose ? '\n' : '\n\n';
        body += p.html;
      });
      return indent + marker + body;
    })
    .join(list.loose ? '\n\n' : '\n');
}

function renderInline(tokens: readonly Token[], ctx: Context): string {
  let out = '';
  for (const token of tokens) out += renderInlineToken(token, ctx);
  return out;
}

function wrap(tag: string, tokens: readonly Token[], ctx: Context): string {
  const inner = renderInline(tokens, ctx);
  return inner === '' ? '' : `<${tag}>${inner}</${tag}>`;
}

function renderInlineToken(token: Token, ctx: Context): string {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? renderInline(t.tokens, ctx) : escapeHtml(decodeEntities(t.text));
    }
    case 'escape':
      return escapeHtml((token as Tokens.Escape).text);
    case 'strong':
      return wrap('b', (token as Tokens.Strong).tokens, ctx);
    case 'em':
      return wrap('i', (token as Tokens.Em).tokens, ctx);
    case 'del':
      return wrap('s', (token as Tokens.Del).tokens, ctx);
    case 'codespan': {
      const text = escapeHtml((token as Tokens.Codespan).text);
      return ctx.inLink || text === '' ? text : `<code>${text}</code>`;
    }
    case 'br':
      return '\n';
    case 'link':
      return renderLink(token as Tokens.Link, ctx);
    case 'image':
      return renderImage(token as Tokens.Image, ctx);
    case 'checkbox':
      // Rendered as ☐/☑ by the list item.
      return '';
    case 'html':
      return escapeHtml(token.raw);
    default:
      return 'tokens' in token && Array.isArray(token.tokens)
        ? renderInline(token.tokens, ctx)
        : escapeHtml(token.raw);
  }
}

/**
 * Safe URLs become links. Unsafe ones lose the link: relative paths, javascript: and data: URLs
 * (possibly huge) show only the text; other schemes (file:, vscode:, …) show the text followed by
 * the URL in parentheses when it differs, since the reader may still want to copy it.
 */
function renderLink(link: Tokens.Link, ctx: Context): string {
  const url = safeUrl(link.href);
  if (url !== undefined && !ctx.inLink) {
    const inner = renderInline(link.tokens, { ...ctx, inLink: true });
    const text = inner.trim() === '' ? escapeHtml(url) : inner;
    return `<a href="${escapeAttribute(url)}">${text}</a>`;
  }
  const inner = renderInline(link.tokens, ctx);
  const href = link.href.trim();
  const showUrl =
    url === undefined &&
    hasScheme(href) &&
    !/^(javascript|data|vbscript):/i.test(href) &&
    plainInline(link.tokens).trim() !== href;
  if (inner.trim() === '') return showUrl ? escapeHtml(href) : '';
  return showUrl ? `${inner} (${escapeHtml(href)})` : inner;
}

/** Telegram cannot show inline images; link to a safe one, else fall back to its alt text. */
function renderImage(image: Tokens.Image, ctx: Context): string {
  const alt = escapeHtml(plainInline(image.tokens).trim());
  const url = safeUrl(image.href);
  if (url === undefined || ctx.inLink) return alt;
  return `<a href="${escapeAttribute(url)}">${alt === '' ? 'image' : alt}</a>`;
}
