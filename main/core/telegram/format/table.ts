// Telegram has no tables, so a Markdown table becomes monospaced text with padded columns.
import type { Tokens } from 'marked';
import { escapeHtml } from './escape';
import { plainInline } from './plain-inline';

type Align = Tokens.Table['align'][number];

/** Display width approximated by code points: good enough for monospace, exact for ASCII. */
function width(text: string): number {
  return Array.from(text).length;
}

function pad(text: string, size: number, align: Align): string {
  const gap = size - width(text);
  if (gap <= 0) return text;
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + text + ' '.repeat(gap - left);
  }
  return text + ' '.repeat(gap);
}

function cellText(cell: Tokens.TableCell): string {
  return plainInline(cell.tokens).replace(/\s+/g, ' ').trim();
}

/** Renders the table as a <pre> block: header, a dashed rule, then the rows. */
export function renderTable(table: Tokens.Table): string {
  return `<pre>${escapeHtml(tableText(table))}</pre>`;
}

/** The table as monospaced text with padded columns (for a code block). */
export function tableText(table: Tokens.Table): string {
  const header = table.header.map(cellText);
  const rows = table.rows.map((row) => header.map((_, i) => (row[i] ? cellText(row[i]) : '')));
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0, table.align[i] ?? null))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(Math.max(w, 1))).join('-+-');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
