// When a streaming draft goes out. Drafts are not messages: they skip the 1-per-second message
// pacing, but Telegram publishes no limit for them and peers report that drafts updated too often
// "blink", so one chat gets at most one draft per DRAFT_GAP_MS across all its topics. A draft lives
// ~30 s after its last update: one left unchanged (a permission pending, a long tool run) is sent
// again after DRAFT_REFRESH_MS so it never vanishes. Pure.

export const DRAFT_GAP_MS = 250;
export const DRAFT_REFRESH_MS = 20_000;

export interface DraftPacing {
  /** When this turn's last draft went out; undefined before its first. */
  lastSentAt: number | undefined;
  /** Something changed since then. */
  dirty: boolean;
}

/** In how many ms this turn's next draft is due (0: now). */
export function draftDueIn(pacing: DraftPacing, now: number): number {
  const { lastSentAt, dirty } = pacing;
  if (lastSentAt === undefined) return 0;
  const due = lastSentAt + (dirty ? DRAFT_GAP_MS : DRAFT_REFRESH_MS);
  return Math.max(0, due - now);
}

/**
 * One slot per chat every DRAFT_GAP_MS: the time the slot asked for at `now` starts, and the
 * chats' next free times after taking it.
 */
export function takeDraftSlot(
  nextFree: ReadonlyMap<number, number>,
  chatId: number,
  now: number,
): { at: number; nextFree: Map<number, number> } {
  const at = Math.max(now, nextFree.get(chatId) ?? now);
  const next = new Map([...nextFree].filter(([, free]) => free > now));
  next.set(chatId, at + DRAFT_GAP_MS);
  return { at, nextFree: next };
}
