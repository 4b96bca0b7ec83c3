// Rich HTML style (rich.d.ts, "Rich HTML style") → input blocks, which rich-content.ts then
// validates. Only the documented tags and named entities are known: any other tag is a 400
// ("Unsupported tag"), an unknown named entity stays literal text, as in the HTML parse mode.
// Whitespace-only text between blocks is ignored; inline text at the top level becomes a
// paragraph. Media tags are parsed but refused later, like media blocks.
import { richParseError } from './rich-content';
import { BLOCK, FORMAT, INLINE, MEDIA, NAMED, VOID } from './rich-html-tags';

interface Element {
  tag: string;
  attrs: Map<string, string>;
  children: Node[];
}
type Node = string | Element;
type Json = Record<string, unknown>;

export function richHtmlToBlocks(source: string): Json[] {
  return blocksOf(parse(source));
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (all, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : all;
    }
    return NAMED[body] ?? all;
  });
}

function parse(source: string): Node[] {
  const root: Element = { tag: '', attrs: new Map(), children: [] };
  const stack = [root];
  const bytes = (k: number): number => Buffer.byteLength(source.slice(0, k), 'utf8');
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const end = lt === -1 ? source.length : lt;
    if (end > i) stack.at(-1)!.children.push(decode(source.slice(i, end)));
    if (lt === -1) break;
    const close = source.indexOf('>', lt);
    if (close === -1) throw richParseError(`Unclosed start tag at byte offset ${bytes(lt)}`);
    const raw = source.slice(lt + 1, close);
    i = close + 1;
    if (raw.startsWith('/')) {
      const name = raw.slice(1).trim().toLowerCase();
      const open = stack.at(-1)!;
      if (open === root || open.tag !== name) {
        throw richParseError(`Unmatched end tag "${name}" at byte offset ${bytes(lt)}`);
      }
      stack.pop();
      continue;
    }
    const name = (/^[a-z0-9-]+/i.exec(raw)?.[0] ?? '').toLowerCase();
    if (!INLINE.has(name) && !BLOCK.has(name)) {
      throw richParseError(`Unsupported tag "${name || raw}" at byte offset ${bytes(lt)}`);
    }
    const attrs = new Map<string, string>();
    for (const m of raw
      .slice(name.length)
      .matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/]+)))?/gi)) {
      attrs.set(m[1]!.toLowerCase(), decode(m[2] ?? m[3] ?? m[4] ?? ''));
    }
    const element: Element = { tag: name, attrs, children: [] };
    stack.at(-1)!.children.push(element);
    if (!VOID.has(name) && !raw.trimEnd().endsWith('/')) stack.push(element);
  }
  if (stack.length > 1) {
    throw richParseError(`Can't find end tag corresponding to start tag "${stack.at(-1)!.tag}"`);
  }
  return root.children;
}

const isBlockNode = (n: Node): boolean =>
  typeof n !== 'string' &&
  (BLOCK.has(n.tag) || (n.tag === 'a' && n.attrs.has('name') && n.children.length === 0));

/** Children in block context: inline runs become paragraphs, whitespace between blocks goes. */
function blocksOf(nodes: readonly Node[]): Json[] {
  const out: Json[] = [];
  let run: Node[] = [];
  const flush = (): void => {
    const text = inlineOf(run);
    run = [];
    if (!(typeof text === 'string' && text.trim() === ''))
      out.push({ type: 'paragraph', text: trimText(text) });
  };
  for (const node of nodes) {
    if (!isBlockNode(node)) {
      run.push(node);
      continue;
    }
    flush();
    out.push(blockOf(node as Element));
  }
  flush();
  return out;
}

function trimText(text: unknown): unknown {
  return typeof text === 'string' ? text.trim() : text;
}

function blockOf(e: Element): Json {
  const inline = (): unknown =>
    trimText(inlineOf(e.children.filter((c) => typeof c === 'string' || c.tag !== 'cite')));
  const credit = (): Json => {
    const cite = e.children.find((c): c is Element => typeof c !== 'string' && c.tag === 'cite');
    return cite ? { credit: inlineOf(cite.children) } : {};
  };
  const heading = /^h([1-6])$/.exec(e.tag);
  if (heading) return { type: 'heading', size: Number(heading[1]), text: inline() };
  switch (e.tag) {
    case 'p':
      return { type: 'paragraph', text: inline() };
    case 'footer':
      return { type: 'footer', text: inline() };
    case 'hr':
      return { type: 'divider' };
    case 'a':
      return { type: 'anchor', name: e.attrs.get('name') ?? '' };
    case 'pre': {
      const code =
        e.children.length === 1 && typeof e.children[0] !== 'string' ? e.children[0] : undefined;
      const lang =
        code?.tag === 'code'
          ? /^language-(.+)$/.exec(code.attrs.get('class') ?? '')?.[1]
          : undefined;
      return { type: 'pre', text: plain(e.children), ...(lang ? { language: lang } : {}) };
    }
    case 'ul':
    case 'ol':
      return list(e);
    case 'blockquote':
      return e.attrs.has('expandable')
        ? { type: 'expandable_blockquote', text: inline(), ...credit() }
        : {
            type: 'blockquote',
            blocks: blocksOf(e.children.filter((c) => typeof c === 'string' || c.tag !== 'cite')),
            ...credit(),
          };
    case 'aside':
      return { type: 'pullquote', text: inline(), ...credit() };
    case 'table':
      return table(e);
    case 'details': {
      const summary = e.children.find(
        (c): c is Element => typeof c !== 'string' && c.tag === 'summary',
      );
      return {
        type: 'details',
        summary: trimText(inlineOf(summary?.children ?? [])),
        blocks: blocksOf(e.children.filter((c) => c !== summary)),
        ...(e.attrs.has('open') ? { is_open: true } : {}),
      };
    }
    case 'tg-math-block':
      return { type: 'mathematical_expression', expression: plain(e.children) };
    case 'tg-thinking':
      return { type: 'thinking', text: inline() };
    case 'tg-button-row':
      return {
        type: 'buttons',
        buttons: e.children.filter((c): c is Element => typeof c !== 'string').map(button),
        ...(e.attrs.has('align') ? { align: e.attrs.get('align') } : {}),
      };
    default:
      if (MEDIA[e.tag]) return { type: MEDIA[e.tag] };
      throw richParseError(`tag "${e.tag}" is not allowed here`);
  }
}

function list(e: Element): Json {
  const ordered = e.tag === 'ol';
  const start = Number(e.attrs.get('start') ?? 1);
  const type = e.attrs.get('type') ?? '1';
  let n = start - 1;
  const items = e.children
    .filter((c): c is Element => typeof c !== 'string')
    .map((li) => {
      if (li.tag !== 'li') throw richParseError(`tag "${li.tag}" is not allowed in a list`);
      const box = li.children.find((c): c is Element => typeof c !== 'string' && c.tag === 'input');
      n = li.attrs.has('value') ? Number(li.attrs.get('value')) : n + 1;
      return {
        blocks: blocksOf(li.children.filter((c) => c !== box)),
        ...(box
          ? { has_checkbox: true, ...(box.attrs.has('checked') ? { is_checked: true } : {}) }
          : {}),
        ...(ordered ? { value: n, type: li.attrs.get('type') ?? type } : {}),
      };
    });
  return { type: 'list', items };
}

function table(e: Element): Json {
  const caption = e.children.find(
    (c): c is Element => typeof c !== 'string' && c.tag === 'caption',
  );
  const rows = e.children.filter((c): c is Element => typeof c !== 'string' && c.tag === 'tr');
  return {
    type: 'table',
    cells: rows.map((tr) =>
      tr.children
        .filter((c): c is Element => typeof c !== 'string')
        .map((td) => ({
          text: trimText(inlineOf(td.children)),
          ...(td.tag === 'th' ? { is_header: true } : {}),
          ...(td.attrs.has('colspan') ? { colspan: Number(td.attrs.get('colspan')) } : {}),
          ...(td.attrs.has('rowspan') ? { rowspan: Number(td.attrs.get('rowspan')) } : {}),
          align: td.attrs.get('align') ?? 'left',
          valign: td.attrs.get('valign') ?? 'top',
        })),
    ),
    ...(caption ? { caption: inlineOf(caption.children) } : {}),
    ...Object.fromEntries(
      ['bordered', 'striped', 'compact']
        .filter((f) => e.attrs.has(f))
        .map((f) => [`is_${f}`, true]),
    ),
  };
}

function button(e: Element): Json {
  const type = e.attrs.get('type') ?? '';
  const kinds: Record<string, Json> = {
    url: { url: e.attrs.get('url') },
    callback_data: { callback_data: e.attrs.get('data') },
    copy_text: { copy_text: { text: e.attrs.get('text') } },
    disabled: { disabled: {} },
  };
  return {
    text: plain(e.children),
    ...(kinds[type] ?? {}),
    ...(e.attrs.has('style') ? { style: e.attrs.get('style') } : {}),
  };
}

function plain(nodes: readonly Node[]): string {
  return nodes
    .map((n) => (typeof n === 'string' ? n : n.tag === 'br' ? '\n' : plain(n.children)))
    .join('');
}

/** Inline content → RichText (a string when unformatted). */
function inlineOf(nodes: readonly Node[]): unknown {
  const parts = nodes.map(inlineNode).filter((p) => p !== '');
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return parts.length === 1 ? parts[0] : parts;
}

function inlineNode(node: Node): unknown {
  if (typeof node === 'string') return node;
  if (BLOCK.has(node.tag)) throw richParseError(`block tag "${node.tag}" inside inline text`);
  const inner = (): unknown => inlineOf(node.children);
  const format = FORMAT[node.tag];
  if (format) return { type: format, text: inner() };
  const attr = (name: string): string => node.attrs.get(name) ?? '';
  switch (node.tag) {
    case 'br':
      return '\n';
    case 'a': {
      if (node.attrs.has('name')) return { type: 'anchor', name: attr('name') };
      const href = attr('href');
      if (href.startsWith('#'))
        return { type: 'anchor_link', text: inner(), anchor_name: href.slice(1) };
      if (href.startsWith('mailto:'))
        return { type: 'email_address', text: inner(), email_address: href.slice(7) };
      if (href.startsWith('tel:'))
        return { type: 'phone_number', text: inner(), phone_number: href.slice(4) };
      return { type: 'url', text: inner(), url: href };
    }
    case 'tg-reference':
      return { type: 'reference', text: inner(), name: attr('name') };
    case 'tg-emoji':
      return {
        type: 'custom_emoji',
        custom_emoji_id: attr('emoji-id'),
        alternative_text: plain(node.children),
      };
    case 'tg-time':
      return {
        type: 'date_time',
        text: inner(),
        unix_time: Number(attr('unix')),
        date_time_format: attr('format'),
      };
    case 'tg-math':
      return { type: 'mathematical_expression', expression: plain(node.children) };
    case 'tg-button':
      return { type: 'button', button: button(node) };
    default:
      return inner();
  }
}
