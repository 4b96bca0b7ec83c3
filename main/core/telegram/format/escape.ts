// Escaping and entity decoding for Telegram's HTML parse mode, which knows only four named
// entities (&lt; &gt; &amp; &quot;) plus numeric ones; anything else must be escaped.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Matches exactly the entities Telegram decodes; other `&…;` sequences are plain text. */
const ENTITY_PATTERN = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));/y;

/** The decoded text of the entity at `index` in `text`, or undefined when there is none. */
export function entityAt(text: string, index: number): { raw: string; value: string } | undefined {
  ENTITY_PATTERN.lastIndex = index;
  const m = ENTITY_PATTERN.exec(text);
  if (!m) return undefined;
  const [raw, dec, hex, name] = m;
  if (name !== undefined) return { raw, value: NAMED[name] ?? raw };
  const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
  // Null, surrogates and out-of-range code points are not characters; keep them literal.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { raw, value: String.fromCodePoint(code) };
}

/** Decodes the entities Telegram understands and leaves everything else untouched. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  let last = 0;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    const entity = entityAt(text, i);
    if (!entity) continue;
    out += text.slice(last, i) + entity.value;
    last = i + entity.raw.length;
    i = last - 1;
  }
  return out + text.slice(last);
}
