// The live message edited while the answer streams in can hold only one message's worth of text.
// It shows the newest part (what the agent is writing now) behind a leading "…"; the final answer
// is sent in full with splitTelegramHtml, so nothing is lost.
import { entityAt } from './escape';
import { applyTag, closeTags, rawOf, removeEmptyElements, reopenTags } from './html-stack';
import { tagAt, type TagPart } from './html-units';
import { isContinuation, layout, stackAt, TELEGRAM_MESSAGE_LIMIT } from './split';

export const ELLIPSIS = '…';

/** How far into the tail a line or word boundary may be sought, as a share of the limit. */
const MAX_SKIP = 0.25;

/**
 * Returns `html` unchanged when it fits in `limit` visible characters. Otherwise returns the
 * longest tail that fits, starting preferably at a line start (shown as "…\n" + tail), else at a
 * word start ("…" + tail), else mid-word. Tags open at the cut are reopened, so the result is
 * always valid HTML; "…" stays outside them.
 */
export function truncateForStreaming(html: string, limit = TELEGRAM_MESSAGE_LIMIT): string {
  if (!Number.isFinite(limit) || limit < 3) throw new RangeError(`Invalid limit: ${limit}`);
  const max = Math.floor(limit);
  // Only the tail can be shown, so only a tail is laid out (one object per visible character
  // would cost tens of ms per live edit on a long answer). A window that holds at least
  // max + 2 characters contains everything the cut below looks at, so the result is the same.
  for (let rawLength = 2 * max + 64; rawLength < html.length; rawLength *= 2) {
    const window = tailWindow(html, html.length - rawLength);
    const laidOut = layout(window);
    if ((laidOut.prefix[laidOut.units.length] ?? 0) >= max + 2) return cutTail(laidOut, max);
  }
  return truncateWhole(html, max);
}

/** The same cut from a layout of the whole text: for short texts, and the tail path's reference. */
export function truncateWhole(html: string, max: number): string {
  const laidOut = layout(html);
  return (laidOut.prefix[laidOut.units.length] ?? 0) <= max ? html : cutTail(laidOut, max);
}

/**
 * `html` from about `from` on, as valid HTML on its own: the start is moved back out of any tag,
 * entity or surrogate pair it falls in, and the tags open there are reopened in front. Only the
 * head's tags are read, not its characters.
 */
export function tailWindow(html: string, from: number): string {
  const open: TagPart[] = [];
  let start = from;
  for (let i = html.indexOf('<'); i !== -1 && i < start;) {
    const tag = tagAt(html, i);
    if (!tag) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    const end = i + tag.raw.length;
    if (end > start) {
      start = i; // the cut fell inside this tag: the window starts with it
      break;
    }
    applyTag(open, tag);
    i = html.indexOf('<', end);
  }
  // Entities hold no `<` or `>`: an `&` inside a tag never reaches past it.
  const amp = html.lastIndexOf('&', start - 1);
  if (amp >= start - LONGEST_ENTITY) {
    const entity = entityAt(html, amp);
    if (entity && amp + entity.raw.length > start) start = amp;
  }
  if (isLowSurrogate(html.charCodeAt(start)) && isHighSurrogate(html.charCodeAt(start - 1)))
    start--;
  return reopenTags(open) + html.slice(start);
}

const LONGEST_ENTITY = '&#x10FFFF;'.length;
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The longest tail of a laid-out text longer than `max` that fits, "…" in front. */
function cutTail({ parts, units, prefix }: ReturnType<typeof layout>, max: number): string {
  const n = units.length;
  const total = prefix[n] ?? 0;
  const budget = max - 2; // room for "…\n"
  let first = 0; // earliest unit the tail may start at
  while (first < n && total - (prefix[first] ?? 0) > budget) first++;
  const maxSkip = Math.floor(max * MAX_SKIP);
  const within = (k: number): boolean => (prefix[k] ?? 0) - (prefix[first] ?? 0) <= maxSkip;
  const text = (k: number): string | undefined => units[k]?.text;

  let start = first;
  let prefixText = ELLIPSIS;
  const line = findFrom(first, n, within, (k) => text(k - 1) === '\n');
  const word = findFrom(first, n, within, (k) => text(k - 1) === ' ' && text(k) !== ' ');
  if (line !== undefined) {
    start = line;
    prefixText = `${ELLIPSIS}\n`;
  } else if (word !== undefined) {
    start = word;
  } else {
    while (start < n - 1 && within(start + 1) && isContinuation(units[start])) start++;
  }
  const startPart = units[start]?.part ?? parts.length;
  const open = stackAt(parts, [], 0, startPart);
  const closing = stackAt(parts, open, startPart, parts.length);
  const body = reopenTags(open) + rawOf(parts, startPart, parts.length) + closeTags(closing);
  return prefixText + removeEmptyElements(body);
}

function findFrom(
  from: number,
  n: number,
  within: (k: number) => boolean,
  test: (k: number) => boolean,
): number | undefined {
  for (let k = from; k < n && within(k); k++) if (k > 0 && test(k)) return k;
  return undefined;
}
