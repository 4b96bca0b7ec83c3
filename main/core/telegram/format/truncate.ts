// The live message edited while the answer streams in can hold only one message's worth of text.
// It shows the newest part (what the agent is writing now) behind a leading "…"; the final answer
// is sent in full with splitTelegramHtml, so nothing is lost.
import { closeTags, rawOf, removeEmptyElements, reopenTags } from './html-stack';
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
  const { parts, units, prefix } = layout(html);
  const n = units.length;
  const total = prefix[n] ?? 0;
  if (total <= Math.floor(limit)) return html;

  const budget = Math.floor(limit) - 2; // room for "…\n"
  let first = 0; // earliest unit the tail may start at
  while (first < n && total - (prefix[first] ?? 0) > budget) first++;
  const maxSkip = Math.floor(limit * MAX_SKIP);
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
