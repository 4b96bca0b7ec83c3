// Splits rendered Telegram HTML into messages that each fit Telegram's length limit and are
// valid on their own: tags open at a cut are closed and reopened (attributes included), so a
// code block cut in half is still a highlighted code block in both messages.
import { applyTag, closeTags, rawOf, removeEmptyElements, reopenTags } from './html-stack';
import type { HtmlPart, TagPart, UnitPart } from './html-units';
import { parseHtml } from './html-units';

export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** A cut below this share of the limit is too early; a weaker kind of break is tried instead. */
const MIN_FILL = 0.5;

/** Characters that belong to the previous one (combining marks, ZWJ, variation selectors…). */
function continues(cp: number): boolean {
  return (
    cp === 0x200d ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) || // skin tones
    (cp >= 0xe0020 && cp <= 0xe007f) || // flag tags
    /^\p{M}$/u.test(String.fromCodePoint(cp))
  );
}

interface Unit {
  part: number;
  text: string;
  /** How many tags are open around this unit; 0 means between top-level blocks. */
  depth: number;
}

export interface Layout {
  parts: HtmlPart[];
  units: Unit[];
  /** prefix[k] = visible UTF-16 length of units[0, k). */
  prefix: number[];
  /** solid[k] = how many of units[0, k) are not whitespace. */
  solid: number[];
}

export function layout(html: string): Layout {
  const parts = parseHtml(html);
  const units: Unit[] = [];
  const prefix = [0];
  const solid = [0];
  const stack: TagPart[] = [];
  parts.forEach((part, i) => {
    if (part.kind !== 'unit') {
      applyTag(stack, part);
      return;
    }
    units.push({ part: i, text: part.text, depth: stack.length });
    prefix.push((prefix.at(-1) ?? 0) + part.text.length);
    solid.push((solid.at(-1) ?? 0) + (/^\s+$/.test(part.text) ? 0 : 1));
  });
  return { parts, units, prefix, solid };
}

/** Open tags just before parts[index], starting from `stack` at parts[from]. */
export function stackAt(
  parts: readonly HtmlPart[],
  stack: readonly TagPart[],
  from: number,
  index: number,
): TagPart[] {
  const result = [...stack];
  for (let i = from; i < index; i++) {
    const part = parts[i];
    if (part && part.kind !== 'unit') applyTag(result, part);
  }
  return result;
}

export function isContinuation(unit: Pick<UnitPart, 'text'> | undefined): boolean {
  return unit !== undefined && continues(unit.text.codePointAt(0) ?? 0);
}

/**
 * Splits `html` into chunks of at most `limit` visible UTF-16 code units, each valid HTML.
 *
 * Breaks are preferred, in order: a blank line between top-level blocks, any blank line
 * (inside a quote or code block), a line end, a space, and finally anywhere between two
 * characters (never inside an entity, a surrogate pair, or before a combining mark/ZWJ when
 * avoidable). A kind of break is only used if it fills at least half of the chunk, so that
 * preferring nice breaks never doubles the number of messages.
 *
 * Trimming: at a line or paragraph break the run of consecutive newlines around the cut is
 * dropped; at a space break exactly that one space; nothing at a mid-word cut. Whitespace that
 * would fill a whole chunk by itself (a run of about `limit` blanks), or a whitespace-only
 * remainder at the very end, is dropped too. Nothing else is ever removed.
 * Input with no visible non-whitespace text yields no chunks.
 */
export function splitTelegramHtml(html: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  if (!Number.isFinite(limit) || limit < 1) throw new RangeError(`Invalid limit: ${limit}`);
  const max = Math.floor(limit);
  const { parts, units, prefix, solid } = layout(html);
  const n = units.length;
  if ((solid[n] ?? 0) === 0) return [];
  if ((prefix[n] ?? 0) <= max) return [html];

  const chunks: string[] = [];
  let pos = 0; // part index where the next chunk starts
  let s = 0; // first unit of the next chunk
  let open: TagPart[] = [];
  const len = (from: number, to: number): number => (prefix[to] ?? 0) - (prefix[from] ?? 0);
  const hasText = (from: number, to: number): boolean => (solid[to] ?? 0) - (solid[from] ?? 0) > 0;
  while (s < n) {
    if (!hasText(s, n)) break;
    let e = s + 1;
    while (e < n && len(s, e + 1) <= max) e++;
    if (!hasText(s, e)) {
      // A message of only whitespace would be rejected: drop the run up to the next text.
      let t = s;
      while (!hasText(t, t + 1)) t++;
      const nextPos = units[t]?.part ?? parts.length;
      open = stackAt(parts, open, pos, nextPos);
      pos = nextPos;
      s = t;
      continue;
    }
    let cut = e; // chunk = units[s, cut)
    let skip = 0; // separator units dropped after the cut
    if (e < n) {
      [cut, skip] = chooseBreak(units, s, e, (j) => len(s, j) >= max * MIN_FILL && hasText(s, j));
    } else {
      cut = n;
    }
    const end = cut < n ? (units[cut]?.part ?? parts.length) : parts.length;
    const closing = stackAt(parts, open, pos, end);
    const chunk = removeEmptyElements(
      reopenTags(open) + rawOf(parts, pos, end) + closeTags(closing),
    );
    chunks.push(chunk);
    const next = cut + skip;
    const nextPos = next < n ? (units[next]?.part ?? parts.length) : parts.length;
    open = stackAt(parts, closing, end, nextPos);
    pos = nextPos;
    s = next;
  }
  return chunks;
}

/** Picks [cut, separatorLength] for a chunk starting at unit s that must end by unit e. */
function chooseBreak(
  units: readonly Unit[],
  s: number,
  e: number,
  acceptable: (cut: number) => boolean,
): [number, number] {
  const text = (k: number): string | undefined => units[k]?.text;
  const kinds: Array<(j: number) => number> = [
    (j) => (text(j) === '\n' && text(j + 1) === '\n' && units[j]?.depth === 0 ? 2 : 0),
    (j) => (text(j) === '\n' && text(j + 1) === '\n' ? 2 : 0),
    (j) => (text(j) === '\n' ? 1 : 0),
    (j) => (text(j) === ' ' ? 1 : 0),
  ];
  for (const kind of kinds) {
    for (let j = e; j > s; j--) {
      let skip = kind(j);
      if (skip === 0 || !acceptable(j)) continue;
      if (text(j) === '\n') {
        // Drop the whole run of newlines: neither message should start or end with blank lines.
        while (j - 1 > s && text(j - 1) === '\n') {
          j--;
          skip++;
        }
        while (text(j + skip) === '\n') skip++;
      }
      return [j, skip];
    }
  }
  // Mid-word: step back so that an emoji sequence or a base letter keeps its modifiers.
  const glued = (j: number): boolean => isContinuation(units[j]) || text(j - 1) === '\u200d';
  let cut = e;
  while (cut > s + 1 && glued(cut)) cut--;
  return [glued(cut) ? e : cut, 0];
}
