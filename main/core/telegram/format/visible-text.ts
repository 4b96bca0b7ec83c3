// Text the user approves on a phone (a command, paths, a question) shown so that every character
// it holds can be seen: nothing hides behind blanks, invisible or direction-changing characters.
//
// The rule, applied per code point:
// - Marked as ⟨U+XXXX⟩: general categories Cc (controls, except line feed where line breaks are
//   kept, and tab, which is a blank), Cf (format: zero-width, bidi embeddings/overrides/isolates,
//   BOM, soft hyphen, tag characters), Cs (lone surrogates), Zl and Zp (line/paragraph
//   separators), Zs other than the ASCII space (NBSP, en/em/thin spaces…), every variation
//   selector, every other Default_Ignorable_Code_Point (Hangul fillers, combining grapheme joiner…)
//   and noncharacters. The marker brackets ⟨ ⟩ themselves are marked too, so a marker in the
//   output always stands for something the input held, never for literal text.
// - Kept, so emoji stay intact: U+FE0E/U+FE0F right after an emoji, and U+200D (ZWJ) joining
//   two emoji (👩🏽‍💻, 🏳️‍🌈). Surrogate pairs are handled as one code point.
// - A run of at least BLANK_RUN_MIN spaces/tabs, or a run of blanks holding at least
//   LINE_BREAK_RUN_MIN line breaks, becomes one marker with exact counts: ⟨1600 spaces⟩.
// Nothing is dropped: the output describes every input character, so it is safe to approve.

/** Shorter runs of spaces/tabs are shown as they are (indentation, alignment). */
export const BLANK_RUN_MIN = 16;
/** Two empty lines show as such; more could push the rest of a command out of sight. */
export const LINE_BREAK_RUN_MIN = 3;

export interface VisibleText {
  text: string;
  /** True when anything was replaced by a marker. */
  marked: boolean;
}

export interface VisibleOptions {
  /** False for one-line items (patterns, labels): a line break is marked like any control. */
  keepLineBreaks?: boolean;
}

const MARKED =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Variation_Selector}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\u27E8\u27E9]/u;
/** What U+FE0E/U+FE0F may follow (keycaps like 1️⃣ included). */
const EMOJI = /\p{Emoji}/u;
/** What may come before a ZWJ inside an emoji sequence. */
const JOINABLE = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

export function codePointMarker(char: string): string {
  const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `⟨U+${hex}⟩`;
}

export function showInvisible(text: string, options: VisibleOptions = {}): VisibleText {
  const keepLineBreaks = options.keepLineBreaks ?? true;
  const chars = Array.from(text);
  let out = '';
  let marked = false;
  const isBlank = (c: string | undefined): boolean =>
    c === ' ' || c === '\t' || (keepLineBreaks && c === '\n');
  for (let i = 0; i < chars.length;) {
    const char = chars[i]!;
    if (isBlank(char)) {
      let end = i;
      while (isBlank(chars[end])) end++;
      const shown = showBlanks(chars.slice(i, end));
      marked ||= shown.marked;
      out += shown.text;
      i = end;
      continue;
    }
    if (keepsEmojiIntact(chars, i) || !MARKED.test(char)) {
      out += char;
    } else {
      out += codePointMarker(char);
      marked = true;
    }
    i++;
  }
  return { text: out, marked };
}

function keepsEmojiIntact(chars: readonly string[], i: number): boolean {
  const char = chars[i]!;
  const previous = chars[i - 1];
  if (char === '\uFE0E' || char === '\uFE0F') return previous !== undefined && EMOJI.test(previous);
  if (char !== '\u200D') return false;
  const next = chars[i + 1];
  return (
    previous !== undefined &&
    next !== undefined &&
    JOINABLE.test(previous) &&
    PICTOGRAPHIC.test(next)
  );
}

/** A run of spaces, tabs and (where kept) line breaks. */
function showBlanks(run: readonly string[]): VisibleText {
  const lineBreaks = run.filter((c) => c === '\n').length;
  if (lineBreaks >= LINE_BREAK_RUN_MIN) return { text: describeRun(run), marked: true };
  let text = '';
  let marked = false;
  // Line by line: a long run of spaces or tabs on one line is collapsed.
  for (const [n, line] of run.join('').split('\n').entries()) {
    if (n > 0) text += '\n';
    if (line.length >= BLANK_RUN_MIN) {
      text += describeRun(Array.from(line));
      marked = true;
    } else {
      text += line;
    }
  }
  return { text, marked };
}

function describeRun(run: readonly string[]): string {
  const count = (c: string) => run.filter((x) => x === c).length;
  const parts = [
    plural(count(' '), 'space', 'spaces'),
    plural(count('\t'), 'tab', 'tabs'),
    plural(count('\n'), 'line break', 'line breaks'),
  ].filter((p) => p !== '');
  return `⟨${parts.join(', ')}⟩`;
}

function plural(n: number, one: string, many: string): string {
  if (n === 0) return '';
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The first `max` UTF-16 units of marked text, cut between code points and never inside a
 * marker (every ⟨ in marked text opens one).
 */
export function clipMarked(text: string, max: number): { text: string; clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const open = text.lastIndexOf('⟨', end - 1);
  if (open !== -1 && text.indexOf('⟩', open) >= end) end = open;
  return { text: text.slice(0, end), clipped: true };
}
