// Reads Telegram-style HTML as a flat sequence of tags and visible units. A unit is one visible
// character as Telegram counts it: a code point (1 or 2 UTF-16 units) or one whole entity, so
// cutting between units never splits a surrogate pair or an entity.
import { entityAt } from './escape';

export interface TagPart {
  /** 'void' is a self-closing tag such as <br/>: it opens nothing. */
  kind: 'open' | 'close' | 'void';
  /** Lower-case tag name. */
  name: string;
  /** The tag exactly as written, attributes included, so it can be reopened verbatim. */
  raw: string;
}

export interface UnitPart {
  kind: 'unit';
  raw: string;
  /** The decoded character(s) Telegram shows. */
  text: string;
}

export type HtmlPart = TagPart | UnitPart;

const TAG =
  /<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>/y;

/** The tag that starts at `html[index]`, if one does. */
export function tagAt(html: string, index: number): TagPart | undefined {
  TAG.lastIndex = index;
  const m = TAG.exec(html);
  if (!m) return undefined;
  const [raw, slash, name = '', , selfClosing] = m;
  const kind = slash === '/' ? 'close' : selfClosing === '/' ? 'void' : 'open';
  return { kind, name: name.toLowerCase(), raw };
}

export function parseHtml(html: string): HtmlPart[] {
  const parts: HtmlPart[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i];
    if (c === '<') {
      const tag = tagAt(html, i);
      if (tag) {
        parts.push(tag);
        i += tag.raw.length;
        continue;
      }
    } else if (c === '&') {
      const entity = entityAt(html, i);
      if (entity) {
        parts.push({ kind: 'unit', raw: entity.raw, text: entity.value });
        i += entity.raw.length;
        continue;
      }
    }
    const cp = html.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    parts.push({ kind: 'unit', raw: ch, text: ch });
    i += ch.length;
  }
  return parts;
}
