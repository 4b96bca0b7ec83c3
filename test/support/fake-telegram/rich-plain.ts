// Plain renderings of rich content for test assertions, and list labels as Telegram shows them.
import type { RichBlock, RichText } from 'grammy/types';

/** The label of list item number n: 1, a, A, i or I style. */
export function listLabel(n: number, kind: string): string {
  if (kind === 'a' || kind === 'A') {
    let s = '';
    for (let k = n; k > 0; k = Math.floor((k - 1) / 26))
      s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
    return kind === 'A' ? s.toUpperCase() : s;
  }
  if (kind === 'i' || kind === 'I') {
    const romans: Array<[number, string]> = [
      [1000, 'm'],
      [900, 'cm'],
      [500, 'd'],
      [400, 'cd'],
      [100, 'c'],
      [90, 'xc'],
      [50, 'l'],
      [40, 'xl'],
      [10, 'x'],
      [9, 'ix'],
      [5, 'v'],
      [4, 'iv'],
      [1, 'i'],
    ];
    let s = '';
    let k = n;
    for (const [v, r] of romans) while (k >= v) [s, k] = [s + r, k - v];
    return kind === 'I' ? s.toUpperCase() : s;
  }
  return String(n);
}

/** The visible text of rich text: leaves in order, alt text for custom emoji, formula source. */
export function richTextPlain(text: RichText | undefined): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return text.map(richTextPlain).join('');
  if (text.type === 'custom_emoji') return text.alternative_text;
  if (text.type === 'mathematical_expression') return text.expression;
  if (text.type === 'anchor') return '';
  if (text.type === 'button') return richTextPlain(text.button.text);
  return richTextPlain(text.text);
}

/**
 * A plain rendering for tests: top-level blocks joined by a blank line; list items one per line
 * as "label text"; table rows one per line with cells joined by " | "; a details block as its
 * summary then its content; dividers and anchors show nothing.
 */
export function richPlainText(blocks: readonly RichBlock[], separator = '\n\n'): string {
  return blocks
    .map(blockPlain)
    .filter((s) => s !== '')
    .join(separator);
}

function blockPlain(b: RichBlock): string {
  switch (b.type) {
    case 'list':
      return b.items
        .map((item) => `${item.label} ${richPlainText(item.blocks, '\n')}`.trimEnd())
        .join('\n');
    case 'blockquote':
      return [richPlainText(b.blocks), richTextPlain(b.credit)].filter((s) => s !== '').join('\n');
    case 'expandable_blockquote':
    case 'pullquote':
      return [richTextPlain(b.text), richTextPlain(b.credit)].filter((s) => s !== '').join('\n');
    case 'table':
      return [
        richTextPlain(b.caption),
        ...b.cells.map((row) =>
          row
            .filter((c) => c.text !== undefined)
            .map((c) => richTextPlain(c.text))
            .join(' | '),
        ),
      ]
        .filter((s) => s !== '')
        .join('\n');
    case 'details':
      return [richTextPlain(b.summary), richPlainText(b.blocks)].filter((s) => s !== '').join('\n');
    case 'buttons':
      return b.buttons.map((button) => richTextPlain(button.text)).join(' ');
    case 'mathematical_expression':
      return b.expression;
    case 'paragraph':
    case 'heading':
    case 'pre':
    case 'footer':
    case 'thinking':
      return richTextPlain(b.text);
    default:
      return '';
  }
}
